package io.emporium.edge.http;

import com.google.protobuf.ByteString;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.payment.v1.PaymentGrpcClient;
import io.emporium.proto.payment.v1.WebhookDelivery;
import io.emporium.proto.realtime.v1.ListDevMailRequest;
import io.emporium.proto.realtime.v1.RealtimeGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * The REST rows served by the other services, each one gRPC call through the generated client
 * method: the payment webhook and the development mailbox.
 */
public final class ServiceRoutes {
  private final GrpcCalls payment;
  private final GrpcCalls realtime;

  public ServiceRoutes(GrpcCalls payment, GrpcCalls realtime) {
    this.payment = payment;
    this.realtime = realtime;
  }

  public void mount(Router api) {
    api.post("/payments/webhook").handler(Endpoint.of(this::webhook));
  }

  /** {@code GET /dev/mailbox}: exists only when mail goes to the embedded sink. */
  public void mountDevMailbox(Router router) {
    router.get("/dev/mailbox").handler(Endpoint.of(this::devMailbox));
  }

  Future<Reply> webhook(RoutingContext ctx) {
    WebhookDelivery delivery =
        WebhookDelivery.newBuilder()
            .setPayload(
                ByteString.copyFrom(
                    ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes()))
            .setSignature(
                ctx.request().getHeader("Stripe-Signature") == null
                    ? ""
                    : ctx.request().getHeader("Stripe-Signature"))
            .build();
    return payment
        .call(PaymentGrpcClient.AcceptWebhook, delivery, Authn.callContext(ctx))
        .map(
            receipt ->
                Reply.ok(
                    new JsonObject()
                        .put("received", true)
                        .put("eventId", receipt.getEventId())
                        .put("duplicate", receipt.getDuplicate())));
  }

  Future<Reply> devMailbox(RoutingContext ctx) {
    var params = Paging.params(ctx, Set.of("to"));
    String to = params.get("to");
    if (to == null || to.isBlank()) {
      throw ApiProblem.invalid("to", "is required");
    }
    return realtime
        .call(
            RealtimeGrpcClient.ListDevMail,
            ListDevMailRequest.newBuilder().setTo(to).build(),
            Authn.callContext(ctx))
        .map(
            list -> {
              JsonArray mails = new JsonArray();
              list.getMailsList()
                  .forEach(
                      m ->
                          mails.add(
                              new JsonObject()
                                  .put("to", m.getTo())
                                  .put("subject", m.getSubject())
                                  .put("text", m.getText())
                                  .put("html", m.getHtml())
                                  .put("sentAt", m.getSentAt())));
              return Reply.ok(mails);
            });
  }
}
