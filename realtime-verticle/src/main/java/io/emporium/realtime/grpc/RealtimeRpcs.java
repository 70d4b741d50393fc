package io.emporium.realtime.grpc;

import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.realtime.v1.DevMailList;
import io.emporium.proto.realtime.v1.ListDevMailRequest;
import io.emporium.proto.realtime.v1.MissedPushesRequest;
import io.emporium.proto.realtime.v1.PushList;
import io.emporium.proto.realtime.v1.RealtimeGrpcService;
import io.emporium.realtime.mail.DevMailbox;
import io.emporium.realtime.store.PushStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The {@code emporium.realtime.v1.Realtime} service. */
public final class RealtimeRpcs {
  private static final int DEFAULT_MISSED = 500;
  private static final int MAX_MISSED = 1000;
  private final Vertx vertx;
  private final DevMailbox mailbox;
  private final PushStore pushes;

  public RealtimeRpcs(Vertx vertx, DevMailbox mailbox, PushStore pushes) {
    this.vertx = vertx;
    this.mailbox = mailbox;
    this.pushes = pushes;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(RealtimeGrpcService.ListDevMail, this::listDevMail);
    endpoints.unary(RealtimeGrpcService.ListMissedPushes, this::listMissedPushes);
  }

  Future<DevMailList> listDevMail(CallContext caller, ListDevMailRequest request) {
    if (mailbox == null) {
      return Future.failedFuture(
          ApiProblem.notFound("The development mailbox exists only with the embedded SMTP sink."));
    }
    // reading the sink parses MIME messages: keep it off the event loop
    return vertx.executeBlocking(
        () -> DevMailList.newBuilder().addAllMails(mailbox.mailsTo(request.getTo())).build(),
        false);
  }

  /** Only the edge asks, after checking that the browser owns the address. */
  Future<PushList> listMissedPushes(CallContext caller, MissedPushesRequest request) {
    caller.requireRole(CallContext.SERVICE_ROLE);
    int limit = request.getLimit() == 0 ? DEFAULT_MISSED : request.getLimit();
    if (request.getAddress().isBlank()
        || request.getAfterSeq() < 0
        || limit < 1
        || limit > MAX_MISSED) {
      return Future.failedFuture(
          ApiProblem.invalid(
              "request",
              "needs an address, a sequence number of 0 or more and a limit from 1 to "
                  + MAX_MISSED));
    }
    return pushes.missed(request.getAddress(), request.getAfterSeq(), limit);
  }
}
