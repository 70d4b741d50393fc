package io.emporium.stripe.emulator;

import io.vertx.core.json.JsonObject;
import java.time.Clock;

/**
 * Charging a test card for a PaymentIntent, the step that the hosted page and {@code confirm}
 * share: the intent succeeds, or it goes back to {@code requires_payment_method} with {@code
 * last_payment_error}.
 */
final class CardPayments {
  private final TestModeAccount account;
  private final StripeEvents events;
  private final Clock clock;

  CardPayments(TestModeAccount account, StripeEvents events, Clock clock) {
    this.account = account;
    this.events = events;
    this.clock = clock;
  }

  /**
   * A new PaymentMethod id for a test card, as Stripe makes one from {@code pm_card_visa} or a
   * typed number.
   */
  void attach(PaymentIntent intent, TestCards.TestCard card) {
    intent.paymentMethodId = StripeIds.next("pm_");
    intent.attachedCard = card;
    intent.status = PaymentIntent.Status.REQUIRES_CONFIRMATION;
  }

  /** Charges the attached card; returns true when the intent succeeded. */
  boolean charge(PaymentIntent intent, ApiRequest request) {
    TestCards.TestCard card = intent.attachedCard;
    long now = clock.instant().getEpochSecond();
    Charge charge =
        new Charge(
            StripeIds.next("ch_"),
            now,
            intent.amount,
            intent.currency,
            intent.id,
            intent.paymentMethodId,
            card,
            intent.metadata);
    account.charges.put(charge.id, charge);
    intent.latestChargeId = charge.id;
    intent.attachedCard = null;
    if (card.pays()) {
      intent.status = PaymentIntent.Status.SUCCEEDED;
      intent.amountReceived = intent.amount;
      intent.lastPaymentError = null;
      events.publish("payment_intent.succeeded", intent.toJson(), intent.orderingKey(), request);
      return true;
    }
    intent.lastPaymentError = declineJson(card, charge, now);
    // a declined PaymentMethod is detached: the customer must supply another
    intent.paymentMethodId = null;
    intent.status = PaymentIntent.Status.REQUIRES_PAYMENT_METHOD;
    events.publish("payment_intent.payment_failed", intent.toJson(), intent.orderingKey(), request);
    return false;
  }

  private static JsonObject declineJson(TestCards.TestCard card, Charge charge, long now) {
    return new JsonObject()
        .put("type", "card_error")
        .put("code", card.errorCode())
        .put("decline_code", card.declineCode())
        .put("doc_url", "https://stripe.com/docs/error-codes/" + card.errorCode().replace('_', '-'))
        .put("message", card.message())
        .put("charge", charge.id)
        .put(
            "payment_method",
            new JsonObject()
                .put("id", charge.paymentMethodId)
                .put("object", "payment_method")
                .put(
                    "billing_details",
                    new JsonObject()
                        .put("address", null)
                        .put("email", null)
                        .put("name", null)
                        .put("phone", null))
                .put("card", Charge.cardJson(card))
                .put("created", now)
                .put("customer", null)
                .put("livemode", false)
                .put("metadata", new JsonObject())
                .put("type", "card"));
  }
}
