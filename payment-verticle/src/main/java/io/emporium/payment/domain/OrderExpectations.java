package io.emporium.payment.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an order's ledger says it expects from Stripe: the Checkout Session opened for it, the
 * PaymentIntents made for it, what it was paid and refunded per PaymentIntent. Money Stripe reports
 * is checked against it, never trusted. Pure: filled in from ledger entries.
 */
public final class OrderExpectations {
  private record Money(long amount, String currency) {}

  private String sessionId;
  private Money session;
  private final Map<String, Money> intents = new HashMap<>();
  private final Map<String, Money> paid = new HashMap<>();
  private final Map<String, Long> refunded = new HashMap<>();
  private final Set<String> mismatchedPayments = new HashSet<>();

  /** Adds one ledger entry of the order; {@code reported} is set on mismatches only. */
  public OrderExpectations add(
      String kind, long amount, String currency, String session, String intent, String reported) {
    switch (kind) {
      case "session_created" -> {
        sessionId = session;
        this.session = new Money(amount, currency);
      }
      case "intent_created" -> intents.put(intent, new Money(amount, currency));
      case "succeeded" -> paid.put(intent, new Money(amount, currency));
      case "refunded" -> refunded.merge(intent, amount, Long::sum);
      case "mismatch" -> {
        if ("payment".equals(reported)) {
          mismatchedPayments.add(intent);
        }
      }
      default -> {}
    }
    return this;
  }

  /** The Checkout Session opened for the order, or null. */
  public String sessionId() {
    return sessionId;
  }

  /**
   * What does not match in a payment or refund Stripe reports, or null when it matches; failures
   * and expiries move no money and are not checked. {@code sessionIntent} is the PaymentIntent the
   * order's session names at Stripe (null when unknown): a PaymentIntent not made for the order
   * must be that one.
   */
  public PaymentMismatch mismatchOf(PaymentFact fact, String sessionIntent) {
    return switch (fact.kind()) {
      case SUCCEEDED -> paymentMismatch(fact, sessionIntent);
      case REFUNDED -> refundMismatch(fact);
      default -> null;
    };
  }

  /** The same payment with the order's session filled in when it came through that session. */
  public PaymentFact inOrdersSession(PaymentFact fact, String sessionIntent) {
    boolean sessionsIntent =
        fact.sessionId() == null
            && sessionId != null
            && fact.paymentIntentId() != null
            && fact.paymentIntentId().equals(sessionIntent)
            && !intents.containsKey(fact.paymentIntentId());
    return sessionsIntent ? fact.inSession(sessionId) : fact;
  }

  private PaymentMismatch paymentMismatch(PaymentFact fact, String sessionIntent) {
    List<String> mismatched = new ArrayList<>();
    Money expected;
    String intent = fact.paymentIntentId();
    if (fact.sessionId() != null) {
      expected = session;
      if (sessionId == null || !sessionId.equals(fact.sessionId())) {
        mismatched.add(PaymentMismatch.SESSION);
      }
    } else if (intent != null && intents.containsKey(intent)) {
      expected = intents.get(intent);
    } else if (intent != null && sessionId != null && intent.equals(sessionIntent)) {
      expected = session;
    } else {
      mismatched.add(PaymentMismatch.INTENT);
      expected = session != null ? session : intents.values().stream().findFirst().orElse(null);
    }
    return compared(fact, expected, mismatched);
  }

  private PaymentMismatch refundMismatch(PaymentFact fact) {
    String intent = fact.paymentIntentId();
    Money payment = intent == null ? null : paid.get(intent);
    if (payment == null) {
      // giving back money the order did not take is expected; a refund of a payment it never had is
      // not
      return intent != null && mismatchedPayments.contains(intent)
          ? null
          : compared(fact, null, new ArrayList<>(List.of(PaymentMismatch.INTENT)));
    }
    long left = payment.amount() - refunded.getOrDefault(intent, 0L);
    List<String> mismatched = new ArrayList<>();
    if (!payment.currency().equals(fact.currency())) {
      mismatched.add(PaymentMismatch.CURRENCY);
    }
    if (fact.amount() > left) {
      mismatched.add(PaymentMismatch.AMOUNT);
    }
    return mismatched.isEmpty()
        ? null
        : new PaymentMismatch(fact, left, payment.currency(), List.copyOf(mismatched));
  }

  private static PaymentMismatch compared(
      PaymentFact fact, Money expected, List<String> mismatched) {
    if (expected != null && fact.amount() != expected.amount()) {
      mismatched.add(PaymentMismatch.AMOUNT);
    }
    if (expected != null && !expected.currency().equals(fact.currency())) {
      mismatched.add(PaymentMismatch.CURRENCY);
    }
    return mismatched.isEmpty()
        ? null
        : new PaymentMismatch(
            fact,
            expected == null ? 0 : expected.amount(),
            expected == null ? null : expected.currency(),
            List.copyOf(mismatched));
  }
}
