package io.emporium.stripe.emulator;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checkout Sessions in payment mode: created through the API, paid on the hosted page, expired by
 * the API or when {@code expires_at} passes. The PaymentIntent is made at the first payment
 * attempt, as Stripe does, so {@code payment_intent} is null until the customer tries to pay.
 */
final class CheckoutSessions {
  /** Stripe's longest session life, and its default. */
  static final Duration MAX_LIFETIME = Duration.ofHours(24);

  /** What a payment attempt on the hosted page came to. */
  enum PayOutcome {
    PAID,
    DECLINED,
    INCORRECT_NUMBER,
    EXPIRED,
    ALREADY_PAID
  }

  private final TestModeAccount account;
  private final CardPayments payments;
  private final StripeEvents events;
  private final Clock clock;
  private final String pageBaseUrl;

  CheckoutSessions(
      TestModeAccount account,
      CardPayments payments,
      StripeEvents events,
      Clock clock,
      String pageBaseUrl) {
    this.account = account;
    this.payments = payments;
    this.events = events;
    this.clock = clock;
    this.pageBaseUrl = pageBaseUrl;
  }

  CheckoutSession create(StripeParams p) {
    String mode = p.requiredText("mode");
    if (!mode.equals("payment")) {
      throw StripeApiError.invalidRequest(
          "The Stripe emulator supports mode=payment only, not " + mode + ".",
          "mode",
          "parameter_invalid_string");
    }
    String successUrl = p.requiredText("success_url");
    url(p, "success_url");
    if (p.has("cancel_url")) {
      url(p, "cancel_url");
    }
    List<CheckoutSession.LineItem> items = lineItems(p);
    long now = clock.instant().getEpochSecond();
    Long expiresAt = p.integer("expires_at");
    if (expiresAt == null) {
      expiresAt = now + MAX_LIFETIME.toSeconds();
    } else if (expiresAt <= now || expiresAt > now + MAX_LIFETIME.toSeconds()) {
      // unlike Stripe (30 minutes at least) any future time is taken, so tests can watch a session
      // expire
      throw StripeApiError.invalidRequest(
          "The `expires_at` timestamp must be in the future and less than 24 hours from Checkout Session creation.",
          "expires_at",
          "parameter_invalid_integer");
    }
    StripeParams intentData = p.object("payment_intent_data");
    Map<String, String> intentMetadata =
        intentData == null ? Map.of() : intentData.metadata("metadata");
    String id = StripeIds.next("cs_test_");
    CheckoutSession session =
        new CheckoutSession(
            id,
            now,
            expiresAt,
            pageBaseUrl + "/c/pay/" + id,
            successUrl,
            p.text("cancel_url"),
            p.text("client_reference_id"),
            p.text("customer_email"),
            p.metadata("metadata"),
            intentMetadata,
            items);
    if (session.amountTotal < 1) {
      throw StripeApiError.invalidRequest(
          "The Checkout Session's total amount due must be greater than zero.",
          "line_items",
          "amount_too_small");
    }
    account.sessions.put(id, session);
    return session;
  }

  private static void url(StripeParams p, String key) {
    String v = p.requiredText(key);
    if (!v.startsWith("http://") && !v.startsWith("https://")) {
      throw StripeApiError.invalidRequest("Not a valid URL", key, "url_invalid");
    }
  }

  private static List<CheckoutSession.LineItem> lineItems(StripeParams p) {
    List<StripeParams> given = p.objects("line_items");
    if (given.isEmpty()) {
      throw StripeApiError.invalidRequest(
          "You must provide at least one line item for a Checkout Session in `payment` mode.",
          "line_items",
          "parameter_missing");
    }
    List<CheckoutSession.LineItem> items = new ArrayList<>();
    String currency = null;
    for (StripeParams item : given) {
      StripeParams price = item.object("price_data");
      if (price == null) {
        // a stored Price (price=price_...) is not emulated: there is no Products API here
        throw StripeApiError.missingParam(item.name("price_data"));
      }
      StripeParams product = price.object("product_data");
      if (product == null) {
        throw StripeApiError.missingParam(price.name("product_data"));
      }
      long quantity = item.requiredInteger("quantity");
      if (quantity < 1 || quantity > 999_999) {
        throw StripeApiError.invalidRequest(
            "Quantity must be between 1 and 999999.",
            item.name("quantity"),
            "parameter_invalid_integer");
      }
      long unitAmount = price.requiredInteger("unit_amount");
      if (unitAmount < 0) {
        throw StripeApiError.invalidRequest(
            "This value must be greater than or equal to 0.",
            price.name("unit_amount"),
            "parameter_invalid_integer");
      }
      String itemCurrency = price.currency("currency");
      if (currency != null && !currency.equals(itemCurrency)) {
        throw StripeApiError.invalidRequest(
            "All line items must have the same currency.",
            price.name("currency"),
            "parameter_invalid_string");
      }
      currency = itemCurrency;
      items.add(
          new CheckoutSession.LineItem(
              StripeIds.next("li_"),
              product.requiredText("name"),
              itemCurrency,
              unitAmount,
              quantity));
    }
    return items;
  }

  CheckoutSession expire(String id, ApiRequest request) {
    CheckoutSession session = account.session(id);
    if (!session.open()) {
      throw StripeApiError.unexpectedState(
          "Only Checkout Sessions with a status in [\"open\"] can be expired.",
          "checkout_session_not_open");
    }
    expire(session, request);
    return session;
  }

  /** Expires every open session whose {@code expires_at} has passed. */
  void expireDue() {
    long now = clock.instant().getEpochSecond();
    List<String> due = new ArrayList<>();
    for (CheckoutSession s : account.sessions.values()) {
      if (s.open() && s.expiresAt <= now) {
        due.add(s.id);
      }
    }
    // found by id, so the journal writes each expired session
    due.forEach(id -> expire(account.sessions.get(id), ApiRequest.NONE));
  }

  private void expire(CheckoutSession session, ApiRequest request) {
    session.status = CheckoutSession.Status.EXPIRED;
    PaymentIntent intent = account.intents.get(session.paymentIntentId);
    if (intent != null && intent.awaitingPayment()) {
      intent.status = PaymentIntent.Status.CANCELED;
      intent.canceledAt = clock.instant().getEpochSecond();
      intent.cancellationReason = "abandoned";
      intent.attachedCard = null;
      events.publish("payment_intent.canceled", intent.toJson(), intent.orderingKey(), request);
    }
    events.publish("checkout.session.expired", session.toJson(), session.id, request);
  }

  /** A card typed on the hosted page: pays the session once, or says why not. */
  PayOutcome pay(CheckoutSession session, String cardNumber) {
    if (session.open() && session.expiresAt <= clock.instant().getEpochSecond()) {
      expire(session, ApiRequest.NONE);
    }
    if (session.status == CheckoutSession.Status.EXPIRED) {
      return PayOutcome.EXPIRED;
    }
    if (session.status == CheckoutSession.Status.COMPLETE) {
      return PayOutcome.ALREADY_PAID;
    }
    var card = TestCards.byNumber(cardNumber);
    if (card.isEmpty()) {
      return PayOutcome.INCORRECT_NUMBER;
    }
    PaymentIntent intent = account.intents.get(session.paymentIntentId);
    if (intent == null) {
      intent =
          new PaymentIntent(
              StripeIds.next("pi_"),
              clock.instant().getEpochSecond(),
              session.amountTotal,
              session.currency,
              null,
              session.paymentIntentMetadata,
              List.of("card"),
              false,
              session.id);
      account.intents.put(intent.id, intent);
      session.paymentIntentId = intent.id;
    }
    payments.attach(intent, card.get());
    if (!payments.charge(intent, ApiRequest.NONE)) {
      return PayOutcome.DECLINED;
    }
    session.status = CheckoutSession.Status.COMPLETE;
    session.paid = true;
    events.publish("checkout.session.completed", session.toJson(), session.id, ApiRequest.NONE);
    return PayOutcome.PAID;
  }
}
