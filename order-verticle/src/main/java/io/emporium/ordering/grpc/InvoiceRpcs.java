package io.emporium.ordering.grpc;

import com.google.protobuf.UnsafeByteOperations;
import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.ordering.domain.InvoiceDocument;
import io.emporium.ordering.store.OrderStore;
import io.emporium.proto.ordering.v1.Invoice;
import io.emporium.proto.ordering.v1.InvoiceRequest;
import io.emporium.proto.ordering.v1.Order;
import io.emporium.proto.ordering.v1.OrderingGrpcService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.UUID;

/**
 * Invoices of {@code emporium.ordering.v1.Ordering}: a paid order's PDF, for its customer or an
 * admin.
 */
public final class InvoiceRpcs {
  private final Vertx vertx;
  private final OrderStore orders;

  public InvoiceRpcs(Vertx vertx, OrderStore orders) {
    this.vertx = vertx;
    this.orders = orders;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(OrderingGrpcService.GetInvoice, this::invoice);
    vertx.executeBlocking(
        () -> {
          InvoiceDocument.prepareFonts();
          return null;
        },
        false);
  }

  /**
   * 404 for orders the caller may not see, 403 for a seller of its items, 409 before it is paid;
   * rendered off the event loop.
   */
  Future<Invoice> invoice(CallContext caller, InvoiceRequest request) {
    // a guest order's token stands for its buyer, whoever calls
    boolean byToken = !request.getOrderToken().isEmpty();
    UUID me = byToken ? null : caller.requireRole("customer", "seller", "admin");
    UUID id = Ids.parse(request.getOrderId());
    ApiProblem missing = ApiProblem.notFound("No order " + request.getOrderId() + ".");
    if (id == null) {
      return Future.failedFuture(missing);
    }
    return (byToken ? orders.findByToken(id, request.getOrderToken()) : orders.find(id))
        .compose(
            found -> {
              Order order = found.orElseThrow(() -> missing);
              if (!byToken && !caller.isAdmin() && !order.getCustomerId().equals(me.toString())) {
                boolean sells =
                    "seller".equals(caller.role())
                        && order.getItemsList().stream()
                            .anyMatch(i -> i.getSellerId().equals(me.toString()));
                throw sells
                    ? ApiProblem.forbidden("An invoice is for the order's customer or an admin.")
                    : missing;
              }
              if (!InvoiceDocument.issuable(order)) {
                throw ApiProblem.conflict(
                    "Order "
                        + order.getId()
                        + " is "
                        + order.getStatus().replace('_', ' ')
                        + ": no invoice yet; it has one once it is paid.");
              }
              return vertx
                  .executeBlocking(
                      () ->
                          InvoiceDocument.render(
                              order, request.getSellerNamesMap(), request.getBuyerEmail()),
                      false)
                  .map(
                      pdf ->
                          Invoice.newBuilder()
                              .setPdf(UnsafeByteOperations.unsafeWrap(pdf))
                              .setFileName(InvoiceDocument.fileName(order))
                              .build());
            });
  }
}
