package io.emporium.catalog.grpc;

import io.emporium.catalog.store.ReservationStore;
import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.CatalogGrpcService;
import io.emporium.proto.catalog.v1.Reservation;
import io.emporium.proto.catalog.v1.ReserveStockRequest;
import io.emporium.proto.catalog.v1.ReservedItem;
import io.vertx.core.Future;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Stock reservations of {@code emporium.catalog.v1.Catalog}, for checkout. */
public final class ReservationRpcs {
  private static final int MAX_ITEMS = 100;
  private static final int MAX_TTL_SECONDS = 24 * 3600;
  private final ReservationStore reservations;

  public ReservationRpcs(ReservationStore reservations) {
    this.reservations = reservations;
  }

  public void bind(GrpcEndpoints endpoints) {
    // only a service (the ordering saga) moves reservations, never a user's call
    endpoints.unary(
        CatalogGrpcService.ReserveStock,
        (caller, request) -> {
          caller.requireRole(CallContext.SERVICE_ROLE);
          return reserve(request);
        });
    endpoints.unary(
        CatalogGrpcService.CommitReservation,
        (caller, ref) -> {
          caller.requireRole(CallContext.SERVICE_ROLE);
          return reservations.commit(orderId(ref.getOrderId()));
        });
    endpoints.unary(
        CatalogGrpcService.ReleaseReservation,
        (caller, ref) -> {
          caller.requireRole(CallContext.SERVICE_ROLE);
          return reservations.release(orderId(ref.getOrderId()));
        });
    endpoints.unary(
        CatalogGrpcService.ReturnStock,
        (caller, ref) -> {
          caller.requireRole(CallContext.SERVICE_ROLE);
          return reservations.giveBack(orderId(ref.getOrderId()), ref.getSkusList());
        });
  }

  Future<Reservation> reserve(ReserveStockRequest request) {
    UUID orderId = orderId(request.getOrderId());
    if (request.getItemsCount() == 0 || request.getItemsCount() > MAX_ITEMS) {
      return Future.failedFuture(
          ApiProblem.invalid("items", "must hold 1 to " + MAX_ITEMS + " items"));
    }
    if (request.getTtlSeconds() < 1 || request.getTtlSeconds() > MAX_TTL_SECONDS) {
      return Future.failedFuture(
          ApiProblem.invalid("ttlSeconds", "must be from 1 to " + MAX_TTL_SECONDS));
    }
    Map<String, Integer> items = new LinkedHashMap<>();
    for (ReservedItem item : request.getItemsList()) {
      if (item.getQuantity() < 1 || item.getQuantity() > 10_000) {
        return Future.failedFuture(
            ApiProblem.invalid("items." + item.getSku(), "quantity must be from 1 to 10000"));
      }
      items.merge(item.getSku(), item.getQuantity(), Integer::sum);
    }
    return reservations.reserve(
        orderId, items, OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(request.getTtlSeconds()));
  }

  private static UUID orderId(String raw) {
    UUID id = Ids.parse(raw);
    if (id == null) {
      throw ApiProblem.invalid("orderId", "must be a UUID");
    }
    return id;
  }
}
