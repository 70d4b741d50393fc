package io.emporium.payment.domain;

import java.util.Locale;
import java.util.UUID;

/**
 * One thing that happened to an order's payment at Stripe, as the ledger records it and
 * payment.events announces it. Ids Stripe did not give are null; {@code stripeEventId} is null when
 * learned by re-reading Stripe. {@code requested} marks a refund this platform asked for (see
 * {@code StripeFacts.REQUESTED_BY}).
 */
public record PaymentFact(
    Kind kind,
    UUID orderId,
    long amount,
    String currency,
    String sessionId,
    String paymentIntentId,
    String refundId,
    String failureReason,
    String stripeEventId,
    boolean requested) {

  public PaymentFact(
      Kind kind,
      UUID orderId,
      long amount,
      String currency,
      String sessionId,
      String paymentIntentId,
      String refundId,
      String failureReason,
      String stripeEventId) {
    this(
        kind,
        orderId,
        amount,
        currency,
        sessionId,
        paymentIntentId,
        refundId,
        failureReason,
        stripeEventId,
        false);
  }

  /** The ledger kinds a Stripe fact becomes. */
  public enum Kind {
    SUCCEEDED,
    FAILED,
    EXPIRED,
    REFUNDED;

    public String ledgerKind() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The same fact with the Checkout Session it belongs to, once the ledger knows it. */
  public PaymentFact inSession(String session) {
    return new PaymentFact(
        kind,
        orderId,
        amount,
        currency,
        session,
        paymentIntentId,
        refundId,
        failureReason,
        stripeEventId,
        requested);
  }
}
