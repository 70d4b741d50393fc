package io.emporium.stripe.emulator;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/** One attempt to charge a card for a PaymentIntent, as Stripe's {@code charge} object shows it. */
final class Charge {
  final String id;
  final long created;
  final long amount;
  final String currency;
  final String paymentIntentId;
  final String paymentMethodId;
  final TestCards.TestCard card;

  /** Stripe copies the PaymentIntent's metadata onto the charges it makes. */
  final Map<String, String> metadata;

  long amountRefunded;

  Charge(
      String id,
      long created,
      long amount,
      String currency,
      String paymentIntentId,
      String paymentMethodId,
      TestCards.TestCard card,
      Map<String, String> metadata) {
    this.id = id;
    this.created = created;
    this.amount = amount;
    this.currency = currency;
    this.paymentIntentId = paymentIntentId;
    this.paymentMethodId = paymentMethodId;
    this.card = card;
    this.metadata = metadata;
  }

  boolean succeeded() {
    return card.pays();
  }

  long refundable() {
    return succeeded() ? amount - amountRefunded : 0;
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("object", "charge")
        .put("amount", amount)
        .put("amount_captured", succeeded() ? amount : 0)
        .put("amount_refunded", amountRefunded)
        .put("captured", succeeded())
        .put("created", created)
        .put("currency", currency)
        .put("failure_code", card.errorCode())
        .put("failure_message", card.message())
        .put("livemode", false)
        .put("metadata", Metadata.json(metadata))
        .put("paid", succeeded())
        .put("payment_intent", paymentIntentId)
        .put("payment_method", paymentMethodId)
        .put(
            "payment_method_details",
            new JsonObject().put("type", "card").put("card", cardJson(card)))
        .put("refunded", succeeded() && amountRefunded == amount)
        .put("status", succeeded() ? "succeeded" : "failed");
  }

  /** Everything it holds, for the journal; {@link #restore} reads it back. */
  JsonObject state() {
    return new JsonObject()
        .put("id", id)
        .put("created", created)
        .put("amount", amount)
        .put("currency", currency)
        .put("paymentIntentId", paymentIntentId)
        .put("paymentMethodId", paymentMethodId)
        .put("card", card.number())
        .put("metadata", Metadata.json(metadata))
        .put("amountRefunded", amountRefunded);
  }

  static Charge restore(JsonObject s) {
    Charge charge =
        new Charge(
            s.getString("id"),
            s.getLong("created"),
            s.getLong("amount"),
            s.getString("currency"),
            s.getString("paymentIntentId"),
            s.getString("paymentMethodId"),
            TestCards.byNumber(s.getString("card")).orElseThrow(),
            Metadata.map(s.getJsonObject("metadata")));
    charge.amountRefunded = s.getLong("amountRefunded");
    return charge;
  }

  static JsonObject cardJson(TestCards.TestCard card) {
    return new JsonObject()
        .put("brand", card.brand())
        .put("last4", card.last4())
        .put("exp_month", 12)
        .put("exp_year", 2034)
        .put("funding", "credit")
        .put("country", "US");
  }
}
