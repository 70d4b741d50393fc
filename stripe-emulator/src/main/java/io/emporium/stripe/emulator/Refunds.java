package io.emporium.stripe.emulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Refunds of a succeeded charge, named by its PaymentIntent or the charge: the whole unrefunded
 * amount by default, never more than that. Each refund raises {@code refund.created} and {@code
 * charge.refunded} (which Stripe sends for partial refunds too).
 */
final class Refunds {
  private static final Set<String> REASONS =
      Set.of("duplicate", "fraudulent", "requested_by_customer");

  private final TestModeAccount account;
  private final StripeEvents events;
  private final Clock clock;

  Refunds(TestModeAccount account, StripeEvents events, Clock clock) {
    this.account = account;
    this.events = events;
    this.clock = clock;
  }

  Refund create(StripeParams p, ApiRequest request) {
    Charge charge = refundedCharge(p);
    String reason = p.text("reason");
    if (reason != null && !REASONS.contains(reason)) {
      throw StripeApiError.invalidRequest(
          "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer",
          "reason",
          "parameter_invalid_string");
    }
    if (charge.refundable() == 0) {
      throw StripeApiError.invalidRequest(
          "Charge " + charge.id + " has already been refunded.", null, "charge_already_refunded");
    }
    long amount = p.has("amount") ? p.amount("amount") : charge.refundable();
    if (amount > charge.refundable()) {
      throw StripeApiError.invalidRequest(
          "Refund amount ("
              + amount
              + " "
              + charge.currency
              + ") is greater than unrefunded amount on charge ("
              + charge.refundable()
              + " "
              + charge.currency
              + ")",
          "amount",
          "amount_too_large");
    }
    var metadata = p.metadata("metadata");
    PaymentIntent intent = account.intents.get(charge.paymentIntentId);
    String orderingKey = intent == null ? charge.paymentIntentId : intent.orderingKey();
    charge.amountRefunded += amount;
    Refund refund =
        new Refund(
            StripeIds.next("re_"),
            clock.instant().getEpochSecond(),
            amount,
            charge.currency,
            charge.id,
            charge.paymentIntentId,
            reason,
            metadata);
    account.refunds.put(refund.id(), refund);
    events.publish("refund.created", refund.toJson(), orderingKey, request);
    events.publish("charge.refunded", charge.toJson(), orderingKey, request);
    return refund;
  }

  /**
   * {@code GET /v1/refunds}: the refunds of a charge or a PaymentIntent (or all held), newest
   * first, in one page.
   */
  JsonObject list(StripeParams p) {
    String chargeId = p.text("charge");
    String intentId = p.text("payment_intent");
    List<Refund> found = new ArrayList<>();
    for (Refund refund : account.refunds.values()) {
      if ((chargeId == null || chargeId.equals(refund.chargeId()))
          && (intentId == null || intentId.equals(refund.paymentIntentId()))) {
        found.add(0, refund);
      }
    }
    JsonArray data = new JsonArray();
    found.forEach(refund -> data.add(refund.toJson()));
    return new JsonObject()
        .put("object", "list")
        .put("data", data)
        .put("has_more", false)
        .put("url", "/v1/refunds");
  }

  private Charge refundedCharge(StripeParams p) {
    String intentId = p.text("payment_intent");
    String chargeId = p.text("charge");
    if (intentId == null && chargeId == null) {
      throw StripeApiError.invalidRequest(
          "One of the following params should be provided for this request: payment_intent or charge.",
          null,
          "parameter_missing");
    }
    if (intentId != null && chargeId != null) {
      throw StripeApiError.invalidRequest(
          "You may only specify one of these parameters: charge, payment_intent.",
          "charge",
          "parameter_unknown");
    }
    if (chargeId != null) {
      Charge charge = account.charge(chargeId);
      if (!charge.succeeded()) {
        throw StripeApiError.invalidRequest(
            "Charge " + chargeId + " did not succeed, so it cannot be refunded.",
            "charge",
            "charge_not_refundable");
      }
      return charge;
    }
    PaymentIntent intent = account.intent(intentId);
    if (intent.status != PaymentIntent.Status.SUCCEEDED) {
      throw StripeApiError.invalidRequest(
          "This PaymentIntent (" + intentId + ") does not have a successful charge to refund.",
          "payment_intent",
          "charge_not_refundable");
    }
    return account.charge(intent.latestChargeId);
  }
}
