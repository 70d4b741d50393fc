package io.emporium.payment.client;

import com.stripe.model.checkout.Session;
import io.vertx.core.json.JsonObject;

/**
 * stripe-java objects as the fields of Stripe's JSON that a webhook carries, so both are read the
 * same way.
 */
public final class StripeJson {
  private StripeJson() {}

  public static JsonObject of(Session s) {
    JsonObject metadata = new JsonObject();
    if (s.getMetadata() != null) {
      s.getMetadata().forEach(metadata::put);
    }
    return new JsonObject()
        .put("id", s.getId())
        .put("object", "checkout.session")
        .put("status", s.getStatus())
        .put("payment_status", s.getPaymentStatus())
        .put("amount_total", s.getAmountTotal())
        .put("currency", s.getCurrency())
        .put("payment_intent", s.getPaymentIntent())
        .put("client_reference_id", s.getClientReferenceId())
        .put("metadata", metadata);
  }
}
