package io.emporium.stripe.emulator;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * A refund of part or all of a charge, as Stripe's {@code refund} object shows it; test-mode
 * refunds succeed at once.
 */
record Refund(
    String id,
    long created,
    long amount,
    String currency,
    String chargeId,
    String paymentIntentId,
    String reason,
    Map<String, String> metadata) {

  /** Everything it holds, for the journal; {@link #restore} reads it back. */
  JsonObject state() {
    return new JsonObject()
        .put("id", id)
        .put("created", created)
        .put("amount", amount)
        .put("currency", currency)
        .put("chargeId", chargeId)
        .put("paymentIntentId", paymentIntentId)
        .put("reason", reason)
        .put("metadata", Metadata.json(metadata));
  }

  static Refund restore(JsonObject s) {
    return new Refund(
        s.getString("id"),
        s.getLong("created"),
        s.getLong("amount"),
        s.getString("currency"),
        s.getString("chargeId"),
        s.getString("paymentIntentId"),
        s.getString("reason"),
        Metadata.map(s.getJsonObject("metadata")));
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("object", "refund")
        .put("amount", amount)
        .put("balance_transaction", null)
        .put("charge", chargeId)
        .put("created", created)
        .put("currency", currency)
        .put("metadata", Metadata.json(metadata))
        .put("payment_intent", paymentIntentId)
        .put("reason", reason)
        .put("status", "succeeded");
  }
}
