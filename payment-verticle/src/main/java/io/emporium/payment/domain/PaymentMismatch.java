package io.emporium.payment.domain;

import java.util.List;

/**
 * A payment or refund Stripe reported that the order does not expect: what was reported, what the
 * order expects (for a refund, what is left to refund; 0 and null when it expects nothing) and
 * which of them differ.
 */
public record PaymentMismatch(
    PaymentFact reported, long expectedAmount, String expectedCurrency, List<String> mismatched) {
  public static final String AMOUNT = "amount";
  public static final String CURRENCY = "currency";
  public static final String SESSION = "session";
  public static final String INTENT = "intent";

  /** {@code payment} or {@code refund}. */
  public String reportedKind() {
    return reported.kind() == PaymentFact.Kind.REFUNDED ? "refund" : "payment";
  }

  /** Whether money was taken that must be given back. */
  public boolean tookMoney() {
    return reported.kind() == PaymentFact.Kind.SUCCEEDED && reported.paymentIntentId() != null;
  }
}
