package io.emporium.payment.grpc;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.payment.client.StripeEventRules;
import io.emporium.payment.client.WebhookMetrics;
import io.emporium.payment.consume.WebhookApplier;
import io.emporium.payment.store.WebhookInbox;
import io.emporium.proto.payment.v1.PaymentGrpcService;
import io.emporium.proto.payment.v1.WebhookDelivery;
import io.emporium.proto.payment.v1.WebhookReceipt;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Stripe's webhook deliveries: verified, recorded once in the inbox, then applied by the {@link
 * WebhookApplier}.
 */
public final class PaymentRpcs {
  private final Vertx vertx;
  private final WebhookInbox inbox;
  private final WebhookApplier applier;
  private final String webhookSecret;
  private final WebhookMetrics metrics;

  public PaymentRpcs(
      Vertx vertx,
      WebhookInbox inbox,
      WebhookApplier applier,
      String webhookSecret,
      WebhookMetrics metrics) {
    this.vertx = vertx;
    this.inbox = inbox;
    this.applier = applier;
    this.webhookSecret = webhookSecret;
    this.metrics = metrics;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(PaymentGrpcService.AcceptWebhook, this::acceptWebhook);
  }

  Future<WebhookReceipt> acceptWebhook(CallContext caller, WebhookDelivery delivery) {
    String payload = delivery.getPayload().toString(StandardCharsets.UTF_8);
    // stripe-java runs on a worker thread, never on the event loop
    return vertx
        .executeBlocking(() -> usable(verify(payload, delivery.getSignature())), false)
        .onFailure(
            e -> {
              if (e instanceof ApiProblem) {
                metrics.badSignature();
              }
            })
        .compose(
            event ->
                inbox
                    .record(event.getString("id"), event.getString("type"), event)
                    .onSuccess(
                        isNew -> {
                          // applied after the answer, so Stripe is answered at once
                          if (isNew) {
                            applier.applyPending();
                          } else {
                            metrics.counted(event.getString("type"), WebhookMetrics.DUPLICATE);
                          }
                        })
                    // not even inboxed: Stripe is answered with an error and delivers it again
                    .onFailure(e -> metrics.counted(event.getString("type"), WebhookMetrics.FAILED))
                    .map(
                        isNew ->
                            WebhookReceipt.newBuilder()
                                .setEventId(event.getString("id"))
                                .setEventType(event.getString("type"))
                                .setDuplicate(!isNew)
                                .build()));
  }

  /**
   * Stripe's signature over the raw body, made at most {@link Webhook#DEFAULT_TOLERANCE} seconds
   * ago (or ahead, for clock skew).
   */
  private String verify(String payload, String signature) {
    if (signature == null || signature.isBlank()) {
      throw ApiProblem.badRequest("Missing Stripe-Signature header.");
    }
    try {
      // stripe-java refuses old signatures only; one from further ahead than the tolerance is as
      // suspect
      Webhook.constructEvent(payload, signature, webhookSecret);
    } catch (SignatureVerificationException e) {
      throw ApiProblem.badRequest("Invalid Stripe signature: " + e.getMessage());
    } catch (RuntimeException e) {
      throw ApiProblem.badRequest("The webhook payload is not a Stripe event.");
    }
    Long timestamp = timestampOf(signature);
    if (timestamp == null
        || timestamp > Instant.now().getEpochSecond() + Webhook.DEFAULT_TOLERANCE) {
      throw ApiProblem.badRequest("Invalid Stripe signature: its timestamp is in the future.");
    }
    return payload;
  }

  /**
   * The signed body as an event that can be recorded and applied; 400 naming what is wrong
   * otherwise.
   */
  private static JsonObject usable(String payload) {
    JsonObject event;
    try {
      event = new JsonObject(payload);
    } catch (RuntimeException e) {
      throw ApiProblem.badRequest("The webhook payload is not a Stripe event.");
    }
    List<ApiProblem.FieldError> errors = StripeEventRules.problems(event);
    if (!errors.isEmpty()) {
      throw new ApiProblem(
          400,
          ApiProblem.titleFor(400),
          "The webhook payload is not a usable Stripe event.",
          errors,
          null);
    }
    return event;
  }

  /**
   * The {@code t=} of a {@code Stripe-Signature} header, the one stripe-java checks; null when
   * there is none.
   */
  private static Long timestampOf(String signature) {
    for (String item : signature.split(",", -1)) {
      String[] parts = item.split("=", 2);
      if (parts.length == 2 && parts[0].equals("t")) {
        try {
          return Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
          return null;
        }
      }
    }
    return null;
  }
}
