package io.emporium.common.grpc;

import io.emporium.common.events.ParkingAdmin;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.ops.v1.DiscardParkedReply;
import io.emporium.proto.ops.v1.ListParkedRequest;
import io.emporium.proto.ops.v1.ParkedList;
import io.emporium.proto.ops.v1.ParkedRef;
import io.emporium.proto.ops.v1.ParkingGrpcService;
import io.emporium.proto.ops.v1.RetryParkedReply;
import io.vertx.core.Future;

/** The {@code Parking} contract every service serves for its own parked messages; admins only. */
public final class ParkingRpcs {
  private static final int MAX_LIMIT = 100;
  private final ParkingAdmin parking;

  public ParkingRpcs(ParkingAdmin parking) {
    this.parking = parking;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(ParkingGrpcService.ListParked, this::list);
    endpoints.unary(ParkingGrpcService.RetryParked, this::retry);
    endpoints.unary(ParkingGrpcService.DiscardParked, this::discard);
  }

  Future<ParkedList> list(CallContext caller, ListParkedRequest request) {
    caller.requireRole("admin");
    int limit = request.getLimit() == 0 ? 20 : request.getLimit();
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ApiProblem.invalid("limit", "must be from 1 to " + MAX_LIMIT);
    }
    return parking.list(limit, request.getAfter());
  }

  Future<RetryParkedReply> retry(CallContext caller, ParkedRef request) {
    caller.requireRole("admin");
    return parking.retry(request.getId(), caller);
  }

  Future<DiscardParkedReply> discard(CallContext caller, ParkedRef request) {
    caller.requireRole("admin");
    return parking
        .discard(request.getId(), caller)
        .map(v -> DiscardParkedReply.getDefaultInstance());
  }
}
