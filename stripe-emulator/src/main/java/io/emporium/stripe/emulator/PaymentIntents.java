package io.emporium.stripe.emulator;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * PaymentIntents made through the API, for custom front ends: created, confirmed with one of
 * Stripe's test PaymentMethods ({@code pm_card_visa} pays, {@code pm_card_chargeDeclined} declines
 * with 402 and {@code last_payment_error}), or canceled.
 */
final class PaymentIntents {
  private static final Set<String> CANCELLATION_REASONS =
      Set.of("duplicate", "fraudulent", "requested_by_customer", "abandoned");

  private final TestModeAccount account;
  private final CardPayments payments;
  private final StripeEvents events;
  private final Clock clock;

  PaymentIntents(TestModeAccount account, CardPayments payments, StripeEvents events, Clock clock) {
    this.account = account;
    this.payments = payments;
    this.events = events;
    this.clock = clock;
  }

  PaymentIntent create(StripeParams p, ApiRequest request) {
    long amount = p.amount("amount");
    String currency = p.currency("currency");
    List<String> types = p.texts("payment_method_types");
    StripeParams automatic = p.object("automatic_payment_methods");
    boolean automaticEnabled = automatic != null && automatic.bool("enabled", false);
    if (automaticEnabled && !types.isEmpty()) {
      throw StripeApiError.invalidRequest(
          "You may only specify one of these parameters: automatic_payment_methods, payment_method_types.",
          "automatic_payment_methods",
          "parameter_unknown");
    }
    // without payment_method_types, current API versions turn automatic payment methods on
    boolean automaticMethods = types.isEmpty();
    PaymentIntent intent =
        new PaymentIntent(
            StripeIds.next("pi_"),
            clock.instant().getEpochSecond(),
            amount,
            currency,
            p.text("description"),
            p.metadata("metadata"),
            types.isEmpty() ? List.of("card") : types,
            automaticMethods,
            null);
    String paymentMethod = p.text("payment_method");
    if (paymentMethod != null) {
      payments.attach(intent, card(paymentMethod));
    }
    boolean confirm = p.bool("confirm", false);
    if (confirm && paymentMethod == null) {
      throw StripeApiError.missingParam("payment_method");
    }
    account.intents.put(intent.id, intent);
    if (confirm) {
      chargeOrDecline(intent, request);
    }
    return intent;
  }

  PaymentIntent confirm(String id, StripeParams p, ApiRequest request) {
    PaymentIntent intent = account.intent(id);
    if (intent.checkoutSessionId != null) {
      throw StripeApiError.unexpectedState(
          "You cannot confirm this PaymentIntent because it belongs to a Checkout Session; "
              + "its customer pays on the session's page.",
          "payment_intent_unexpected_state");
    }
    if (!intent.awaitingPayment()) {
      throw StripeApiError.unexpectedState(
          "You cannot confirm this PaymentIntent because it has a status of "
              + statusName(intent)
              + ". Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_action, "
              + "requires_payment_method.",
          "payment_intent_unexpected_state");
    }
    String paymentMethod = p.text("payment_method");
    if (paymentMethod != null) {
      payments.attach(intent, card(paymentMethod));
    } else if (intent.attachedCard == null) {
      throw StripeApiError.invalidRequest(
          "You cannot confirm this PaymentIntent because it's missing a payment method. "
              + "Update the PaymentIntent with a payment method, or pass one as payment_method.",
          "payment_method",
          "payment_intent_unexpected_state");
    }
    chargeOrDecline(intent, request);
    return intent;
  }

  PaymentIntent cancel(String id, StripeParams p, ApiRequest request) {
    PaymentIntent intent = account.intent(id);
    String reason = p.text("cancellation_reason");
    if (reason != null && !CANCELLATION_REASONS.contains(reason)) {
      throw StripeApiError.invalidRequest(
          "Invalid cancellation_reason: must be one of " + String.join(", ", CANCELLATION_REASONS),
          "cancellation_reason",
          "parameter_invalid_string");
    }
    if (!intent.awaitingPayment() || intent.checkoutSessionId != null) {
      throw StripeApiError.unexpectedState(
          "You cannot cancel this PaymentIntent because it has a status of "
              + statusName(intent)
              + (intent.checkoutSessionId != null
                  ? " and belongs to a Checkout Session; expire the session instead."
                  : "."),
          "payment_intent_unexpected_state");
    }
    intent.status = PaymentIntent.Status.CANCELED;
    intent.canceledAt = clock.instant().getEpochSecond();
    intent.cancellationReason = reason;
    intent.attachedCard = null;
    events.publish("payment_intent.canceled", intent.toJson(), intent.orderingKey(), request);
    return intent;
  }

  private void chargeOrDecline(PaymentIntent intent, ApiRequest request) {
    if (!payments.charge(intent, request)) {
      throw StripeApiError.cardDeclined(intent.lastPaymentError, intent.toJson());
    }
  }

  private static TestCards.TestCard card(String paymentMethod) {
    return TestCards.byPaymentMethod(paymentMethod)
        .orElseThrow(
            () -> StripeApiError.notFound("PaymentMethod", paymentMethod, "payment_method"));
  }

  private static String statusName(PaymentIntent intent) {
    return intent.status.name().toLowerCase(Locale.ROOT);
  }
}
