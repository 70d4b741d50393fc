package io.emporium.payment.grpc;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.net.Webhook;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.payment.events.WebhookApplier;
import io.emporium.payment.metrics.WebhookMetrics;
import io.emporium.payment.store.WebhookInbox;
import io.emporium.proto.payment.v1.PaymentGrpcService;
import io.emporium.proto.payment.v1.WebhookDelivery;
import io.emporium.proto.payment.v1.WebhookReceipt;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/** Stripe's webhook deliveries: verified, recorded once in the inbox, then applied by the {@link WebhookApplier}. */
public final class PaymentRpcs {
  private final Vertx vertx;
  private final WebhookInbox inbox;
  private final WebhookApplier applier;
  private final String webhookSecret;
  private final WebhookMetrics metrics;

  public PaymentRpcs(Vertx vertx, WebhookInbox inbox, WebhookApplier applier, String webhookSecret, WebhookMetrics metrics) {
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
    return vertx.executeBlocking(() -> verify(payload, delivery.getSignature()), false)
        .onFailure(e -> {
          if (e instanceof ApiProblem) {
            metrics.badSignature();
          }
        })
        .compose(event -> inbox.record(event.getId(), event.getType(), new JsonObject(payload))
            .onSuccess(isNew -> {
              // applied after the answer, so Stripe is answered at once
              if (isNew) {
                applier.applyPending();
              } else {
                metrics.counted(event.getType(), WebhookMetrics.DUPLICATE);
              }
            })
            // not even inboxed: Stripe is answered with an error and delivers it again
            .onFailure(e -> metrics.counted(event.getType(), WebhookMetrics.FAILED))
            .map(isNew -> WebhookReceipt.newBuilder()
                .setEventId(event.getId()).setEventType(event.getType()).setDuplicate(!isNew).build()));
  }

  private Event verify(String payload, String signature) {
    if (signature == null || signature.isBlank()) {
      throw ApiProblem.badRequest("Missing Stripe-Signature header.");
    }
    try {
      return Webhook.constructEvent(payload, signature, webhookSecret);
    } catch (SignatureVerificationException e) {
      throw ApiProblem.badRequest("Invalid Stripe signature: " + e.getMessage());
    } catch (RuntimeException e) {
      throw ApiProblem.badRequest("The webhook payload is not a Stripe event.");
    }
  }
}
