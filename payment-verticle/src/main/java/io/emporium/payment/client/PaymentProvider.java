package io.emporium.payment.client;

import io.emporium.payment.domain.PaymentFact;
import io.emporium.proto.payment.v1.CheckoutSessionRequest;
import io.emporium.proto.payment.v1.RefundReceipt;
import io.emporium.proto.payment.v1.RefundRequest;
import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;

/**
 * A payment provider as the payment service uses it: Stripe (Checkout Sessions) or PayPal (Orders
 * v2). A checkout is what the buyer pays through (a Stripe session, a PayPal order); a payment is
 * what took the money (a PaymentIntent, a PayPal capture). Every call is idempotent, runs off the
 * event loop (worker threads or a non-blocking client) and fails with an {@code ApiProblem} (422
 * ours to fix, 404 unknown, 409 idempotency conflict, 502 the provider failed) or an outage.
 */
public interface PaymentProvider {
  String STRIPE = "stripe";
  String PAYPAL = "paypal";

  /** {@link #STRIPE} or {@link #PAYPAL}, as the ledger and the webhook inbox name it. */
  String name();

  /** Opens the order's checkout, once per order however often it is asked. */
  Future<OpenedCheckout> open(CheckoutSessionRequest request);

  /** The checkout as the provider has it now; changes nothing. */
  Future<CheckoutState> read(String checkoutId);

  /**
   * Completes a checkout the buyer approved: PayPal's capture (once, however often it is asked); a
   * Stripe session completes by itself, so this reads it.
   */
  Future<CheckoutState> complete(String checkoutId);

  /**
   * Closes the checkout so it can no longer be paid, or reports it paid when it already was, or
   * pending when a capture of it is under review (that cannot be taken back); a PayPal order cannot
   * be voided, so it is reported expired, and the caller never completes it afterwards.
   */
  Future<CheckoutState> close(String checkoutId);

  /**
   * Refunds a payment of the order ({@code request.amount} 0: what is left) in {@code currency},
   * once per {@code request.idempotency_key}.
   */
  Future<Refunded> refund(UUID orderId, RefundRequest request, String currency);

  /** An opened checkout: its id, where the buyer pays, and what it asks for. */
  record OpenedCheckout(
      String id, String url, String status, long amount, String currency, Long expiresAt) {}

  /**
   * A checkout now: {@code open}, {@code paid}, {@code pending} (a capture under review), {@code
   * expired} or {@code failed} (a declined capture), the payment and its money when paid, and the
   * facts it means for the ledger.
   */
  record CheckoutState(
      UUID orderId,
      String checkoutId,
      String status,
      String paymentId,
      long amount,
      String currency,
      List<PaymentFact> facts) {
    public static final String OPEN = "open";
    public static final String PAID = "paid";
    public static final String EXPIRED = "expired";
    public static final String FAILED = "failed";

    /**
     * Captured, but the provider holds the money for review (a PayPal capture {@code PENDING}): the
     * money is on its way, so the checkout can no longer be closed; the capture's own event tells
     * how it ends.
     */
    public static final String PENDING = "pending";
  }

  /** A refund made: its fact (marked as requested by the platform) and the caller's receipt. */
  record Refunded(PaymentFact fact, RefundReceipt receipt) {}
}
