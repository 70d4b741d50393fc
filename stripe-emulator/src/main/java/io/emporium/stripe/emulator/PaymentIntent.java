package io.emporium.stripe.emulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A PaymentIntent, as Stripe's {@code payment_intent} object shows it (automatic capture only). */
final class PaymentIntent {
  enum Status {
    REQUIRES_PAYMENT_METHOD,
    REQUIRES_CONFIRMATION,
    SUCCEEDED,
    CANCELED
  }

  final String id;
  final long created;
  final long amount;
  final String currency;
  final String description;
  final Map<String, String> metadata;
  final List<String> paymentMethodTypes;
  final boolean automaticPaymentMethods;
  final String clientSecret;

  /** The Checkout Session that made it, or null when it was created through the API. */
  final String checkoutSessionId;

  Status status = Status.REQUIRES_PAYMENT_METHOD;
  String paymentMethodId;

  /** The test card behind {@link #paymentMethodId} until it is charged. */
  TestCards.TestCard attachedCard;

  JsonObject lastPaymentError;
  String latestChargeId;
  long amountReceived;
  Long canceledAt;
  String cancellationReason;

  PaymentIntent(
      String id,
      long created,
      long amount,
      String currency,
      String description,
      Map<String, String> metadata,
      List<String> paymentMethodTypes,
      boolean automaticPaymentMethods,
      String checkoutSessionId) {
    this(
        id,
        created,
        amount,
        currency,
        description,
        metadata,
        paymentMethodTypes,
        automaticPaymentMethods,
        checkoutSessionId,
        id + "_secret_" + StripeIds.random(24));
  }

  private PaymentIntent(
      String id,
      long created,
      long amount,
      String currency,
      String description,
      Map<String, String> metadata,
      List<String> paymentMethodTypes,
      boolean automaticPaymentMethods,
      String checkoutSessionId,
      String clientSecret) {
    this.id = id;
    this.created = created;
    this.amount = amount;
    this.currency = currency;
    this.description = description;
    this.metadata = metadata;
    this.paymentMethodTypes = List.copyOf(paymentMethodTypes);
    this.automaticPaymentMethods = automaticPaymentMethods;
    this.checkoutSessionId = checkoutSessionId;
    this.clientSecret = clientSecret;
  }

  /** Everything it holds, for the journal; {@link #restore} reads it back. */
  JsonObject state() {
    return new JsonObject()
        .put("id", id)
        .put("created", created)
        .put("amount", amount)
        .put("currency", currency)
        .put("description", description)
        .put("metadata", Metadata.json(metadata))
        .put("paymentMethodTypes", new JsonArray(paymentMethodTypes))
        .put("automaticPaymentMethods", automaticPaymentMethods)
        .put("checkoutSessionId", checkoutSessionId)
        .put("clientSecret", clientSecret)
        .put("status", status.name())
        .put("paymentMethodId", paymentMethodId)
        .put("attachedCard", attachedCard == null ? null : attachedCard.number())
        .put("lastPaymentError", lastPaymentError)
        .put("latestChargeId", latestChargeId)
        .put("amountReceived", amountReceived)
        .put("canceledAt", canceledAt)
        .put("cancellationReason", cancellationReason);
  }

  static PaymentIntent restore(JsonObject s) {
    List<String> types =
        s.getJsonArray("paymentMethodTypes").stream().map(String::valueOf).toList();
    PaymentIntent intent =
        new PaymentIntent(
            s.getString("id"),
            s.getLong("created"),
            s.getLong("amount"),
            s.getString("currency"),
            s.getString("description"),
            Metadata.map(s.getJsonObject("metadata")),
            types,
            s.getBoolean("automaticPaymentMethods"),
            s.getString("checkoutSessionId"),
            s.getString("clientSecret"));
    intent.status = Status.valueOf(s.getString("status"));
    intent.paymentMethodId = s.getString("paymentMethodId");
    intent.attachedCard =
        s.getString("attachedCard") == null
            ? null
            : TestCards.byNumber(s.getString("attachedCard")).orElse(null);
    intent.lastPaymentError = s.getJsonObject("lastPaymentError");
    intent.latestChargeId = s.getString("latestChargeId");
    intent.amountReceived = s.getLong("amountReceived");
    intent.canceledAt = s.getLong("canceledAt");
    intent.cancellationReason = s.getString("cancellationReason");
    return intent;
  }

  /**
   * Events about this intent and its charges are delivered in order with those of its Checkout
   * Session.
   */
  String orderingKey() {
    return checkoutSessionId != null ? checkoutSessionId : id;
  }

  boolean awaitingPayment() {
    return status == Status.REQUIRES_PAYMENT_METHOD || status == Status.REQUIRES_CONFIRMATION;
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("object", "payment_intent")
        .put("amount", amount)
        .put("amount_capturable", 0)
        .put("amount_received", amountReceived)
        .put(
            "automatic_payment_methods",
            automaticPaymentMethods
                ? new JsonObject().put("enabled", true).put("allow_redirects", "always")
                : null)
        .put("canceled_at", canceledAt)
        .put("cancellation_reason", cancellationReason)
        .put("capture_method", "automatic")
        .put("client_secret", clientSecret)
        .put("confirmation_method", "automatic")
        .put("created", created)
        .put("currency", currency)
        .put("customer", null)
        .put("description", description)
        .put("last_payment_error", lastPaymentError == null ? null : lastPaymentError.copy())
        .put("latest_charge", latestChargeId)
        .put("livemode", false)
        .put("metadata", Metadata.json(metadata))
        .put("next_action", null)
        .put("payment_method", paymentMethodId)
        .put("payment_method_types", new JsonArray(paymentMethodTypes))
        .put("status", status.name().toLowerCase(Locale.ROOT));
  }
}
