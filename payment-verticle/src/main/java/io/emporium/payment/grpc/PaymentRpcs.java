package io.emporium.payment.grpc;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.payment.client.PayPalEventRules;
import io.emporium.payment.client.PayPalWebhookVerifier;
import io.emporium.payment.client.StripeEventRules;
import io.emporium.payment.client.WebhookMetrics;
import io.emporium.payment.consume.WebhookApplier;
import io.emporium.payment.store.WebhookInbox;
import io.emporium.proto.payment.v1.PayPalWebhookDelivery;
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
 * The providers' webhook deliveries (Stripe's and PayPal's): verified, recorded once per provider
 * in the inbox, then applied by the {@link WebhookApplier}.
 */
public final class PaymentRpcs {
  private final Vertx vertx;
  private final WebhookInbox inbox;
  private final WebhookApplier applier;
  private final String webhookSecret;
  private final WebhookMetrics metrics;
  private final PayPalWebhookVerifier paypal;

  public PaymentRpcs(
      Vertx vertx,
      WebhookInbox inbox,
      WebhookApplier applier,
      String webhookSecret,
      WebhookMetrics metrics,
      PayPalWebhookVerifier paypal) {
    this.vertx = vertx;
    this.paypal = paypal;
    this.inbox = inbox;
    this.applier = applier;
    this.webhookSecret = webhookSecret;
    this.metrics = metrics;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(PaymentGrpcService.AcceptWebhook, this::acceptWebhook);
    endpoints.unary(PaymentGrpcService.AcceptPayPalWebhook, this::acceptPayPalWebhook);
  }

  Future<WebhookReceipt> acceptPayPalWebhook(CallContext caller, PayPalWebhookDelivery d) {
    byte[] body = d.getPayload().toByteArray();
    PayPalWebhookVerifier.Headers headers =
        new PayPalWebhookVerifier.Headers(
            d.getTransmissionId(),
            d.getTransmissionTime(),
            d.getTransmissionSig(),
            d.getCertUrl(),
            d.getAuthAlgo());
    return paypal
        .verify(body, headers, Instant.now())
        .onFailure(
            e -> {
              if (e instanceof ApiProblem) {
                metrics.badSignature();
              }
            })
        .map(v -> usablePayPal(new String(body, StandardCharsets.UTF_8)))
        .compose(event -> inboxed(WebhookInbox.PAYPAL, event, event.getString("event_type")));
  }

  /**
   * The verified body as a PayPal event that can be recorded and applied; 400 naming what is wrong
   * otherwise.
   */
  private static JsonObject usablePayPal(String payload) {
    JsonObject event;
    try {
      event = new JsonObject(payload);
    } catch (RuntimeException e) {
      throw ApiProblem.badRequest("The webhook payload is not a PayPal event.");
    }
    List<ApiProblem.FieldError> errors = PayPalEventRules.problems(event);
    if (!errors.isEmpty()) {
      throw new ApiProblem(
          400,
          ApiProblem.titleFor(400),
          "The webhook payload is not a usable PayPal event.",
          errors,
          null);
    }
    return event;
  }

  /** Records a verified event once per provider and nudges the applier. */
  private Future<WebhookReceipt> inboxed(String provider, JsonObject event, String type) {
    return inbox
        .record(provider, event.getString("id"), type, event)
        .onSuccess(
            isNew -> {
              // applied after the answer, so the provider is answered at once
              if (isNew) {
                applier.applyPending();
              } else {
                metrics.counted(type, WebhookMetrics.DUPLICATE);
              }
            })
        // not even inboxed: the provider is answered with an error and delivers it again
        .onFailure(e -> metrics.counted(type, WebhookMetrics.FAILED))
        .map(
            isNew ->
                WebhookReceipt.newBuilder()
                    .setEventId(event.getString("id"))
                    .setEventType(type)
                    .setDuplicate(!isNew)
                    .build());
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
        .compose(event -> inboxed(WebhookInbox.STRIPE, event, event.getString("type")));
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
