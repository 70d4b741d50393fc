package io.emporium.edge.http;

import com.google.protobuf.ByteString;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.payment.v1.PayPalWebhookDelivery;
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
 * method: the payment webhooks (Stripe's, PayPal's) and the development mailbox.
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
    api.post("/payments/paypal/webhook").handler(Endpoint.of(this::paypalWebhook));
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

  /** PayPal's webhook: the raw body and its {@code PAYPAL-*} headers, verified by payment. */
  Future<Reply> paypalWebhook(RoutingContext ctx) {
    PayPalWebhookDelivery delivery =
        PayPalWebhookDelivery.newBuilder()
            .setPayload(
                ByteString.copyFrom(
                    ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes()))
            .setTransmissionId(header(ctx, "PAYPAL-TRANSMISSION-ID"))
            .setTransmissionTime(header(ctx, "PAYPAL-TRANSMISSION-TIME"))
            .setTransmissionSig(header(ctx, "PAYPAL-TRANSMISSION-SIG"))
            .setCertUrl(header(ctx, "PAYPAL-CERT-URL"))
            .setAuthAlgo(header(ctx, "PAYPAL-AUTH-ALGO"))
            .build();
    return payment
        .call(PaymentGrpcClient.AcceptPayPalWebhook, delivery, Authn.callContext(ctx))
        .map(
            receipt ->
                Reply.ok(
                    new JsonObject()
                        .put("received", true)
                        .put("eventId", receipt.getEventId())
                        .put("duplicate", receipt.getDuplicate())));
  }

  /**
   * A header's value, at most 2 000 characters (a longer one cannot be PayPal's); "" when absent.
   */
  private static String header(RoutingContext ctx, String name) {
    String value = ctx.request().getHeader(name);
    return value == null ? "" : value.length() > 2000 ? value.substring(0, 2000) : value;
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
