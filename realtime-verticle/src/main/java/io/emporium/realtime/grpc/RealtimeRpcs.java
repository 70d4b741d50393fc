package io.emporium.realtime.grpc;

import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.realtime.v1.DevMailList;
import io.emporium.proto.realtime.v1.ListDevMailRequest;
import io.emporium.proto.realtime.v1.RealtimeGrpcService;
import io.emporium.realtime.mail.DevMailbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The {@code emporium.realtime.v1.Realtime} service. */
public final class RealtimeRpcs {
  private final Vertx vertx;
  private final DevMailbox mailbox;

  public RealtimeRpcs(Vertx vertx, DevMailbox mailbox) {
    this.vertx = vertx;
    this.mailbox = mailbox;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(RealtimeGrpcService.ListDevMail, this::listDevMail);
  }

  Future<DevMailList> listDevMail(CallContext caller, ListDevMailRequest request) {
    if (mailbox == null) {
      return Future.failedFuture(ApiProblem.notFound("The development mailbox exists only with the embedded SMTP sink."));
    }
    // reading the sink parses MIME messages: keep it off the event loop
    return vertx.executeBlocking(() -> DevMailList.newBuilder().addAllMails(mailbox.mailsTo(request.getTo())).build(), false);
  }
}
