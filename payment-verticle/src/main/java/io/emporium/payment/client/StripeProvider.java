package io.emporium.payment.client;

import com.stripe.StripeClient;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.Refund;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.checkout.SessionCreateParams;
import io.emporium.payment.domain.CheckoutAmounts;
import io.emporium.payment.domain.PaymentFact;
import io.emporium.proto.payment.v1.CheckoutLine;
import io.emporium.proto.payment.v1.CheckoutSessionRequest;
import io.emporium.proto.payment.v1.RefundReceipt;
import io.emporium.proto.payment.v1.RefundRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Stripe behind {@link PaymentProvider}: Checkout Sessions and refunds through stripe-java, on the
 * {@link StripeGateway}'s worker threads.
 */
public final class StripeProvider implements PaymentProvider {
  private final StripeGateway stripe;

  public StripeProvider(StripeGateway stripe) {
    this.stripe = stripe;
  }

  @Override
  public String name() {
    return STRIPE;
  }

  @Override
  public Future<OpenedCheckout> open(CheckoutSessionRequest request) {
    SessionCreateParams.Builder params =
        SessionCreateParams.builder()
            .setMode(SessionCreateParams.Mode.PAYMENT)
            .setSuccessUrl(request.getSuccessUrl())
            .setCancelUrl(request.getCancelUrl())
            .setClientReferenceId(request.getOrderId())
            .putMetadata("order_id", request.getOrderId())
            .putMetadata("customer_id", request.getCustomerId())
            .setPaymentIntentData(
                SessionCreateParams.PaymentIntentData.builder()
                    .putMetadata("order_id", request.getOrderId())
                    .build());
    if (request.getExpiresAt() > 0) {
      params.setExpiresAt(request.getExpiresAt());
    }
    for (CheckoutLine line : CheckoutAmounts.linesForStripe(request)) {
      params.addLineItem(
          SessionCreateParams.LineItem.builder()
              .setQuantity((long) line.getQuantity())
              .setPriceData(
                  SessionCreateParams.LineItem.PriceData.builder()
                      .setCurrency(request.getCurrency())
                      .setUnitAmount(line.getUnitAmount())
                      .setProductData(
                          SessionCreateParams.LineItem.PriceData.ProductData.builder()
                              .setName(line.getName())
                              .build())
                      .build())
              .build());
    }
    // the order id as Stripe's idempotency key: asking again for the same order never opens a
    // second session
    RequestOptions once =
        RequestOptions.builder()
            .setIdempotencyKey("checkout-session-" + request.getOrderId())
            .build();
    return stripe
        .call(client -> client.v1().checkout().sessions().create(params.build(), once))
        .recover(e -> Future.failedFuture(StripeProblems.of(e)))
        .map(
            s ->
                new OpenedCheckout(
                    s.getId(),
                    s.getUrl() == null ? "" : s.getUrl(),
                    s.getStatus() == null ? "" : s.getStatus(),
                    s.getAmountTotal() == null ? 0 : s.getAmountTotal(),
                    s.getCurrency(),
                    s.getExpiresAt()));
  }

  @Override
  public Future<CheckoutState> read(String checkoutId) {
    return stripe
        .call(client -> client.v1().checkout().sessions().retrieve(checkoutId))
        .recover(e -> Future.failedFuture(StripeProblems.of(e)))
        .map(StripeProvider::state);
  }

  /** A Stripe session completes by itself when paid on Stripe's page: it is read. */
  @Override
  public Future<CheckoutState> complete(String checkoutId) {
    return read(checkoutId);
  }

  @Override
  public Future<CheckoutState> close(String checkoutId) {
    return stripe
        .call(client -> expireIfOpen(client, checkoutId))
        .recover(e -> Future.failedFuture(StripeProblems.of(e)))
        .map(StripeProvider::state);
  }

  private static Session expireIfOpen(StripeClient client, String sessionId)
      throws StripeException {
    Session session = client.v1().checkout().sessions().retrieve(sessionId);
    if (!"open".equals(session.getStatus())) {
      return session;
    }
    try {
      return client.v1().checkout().sessions().expire(sessionId);
    } catch (InvalidRequestException notOpenAnyMore) {
      // paid or expired in the meantime: report what it is now
      Session now = client.v1().checkout().sessions().retrieve(sessionId);
      if ("open".equals(now.getStatus())) {
        throw notOpenAnyMore;
      }
      return now;
    }
  }

  private static CheckoutState state(Session s) {
    JsonObject json = StripeJson.of(s);
    String status =
        "complete".equals(s.getStatus()) && "paid".equals(s.getPaymentStatus())
            ? CheckoutState.PAID
            : "expired".equals(s.getStatus()) ? CheckoutState.EXPIRED : CheckoutState.OPEN;
    List<PaymentFact> facts = StripeFacts.ofSession(json, null);
    return new CheckoutState(
        StripeFacts.orderOf(json),
        s.getId(),
        status,
        s.getPaymentIntent(),
        s.getAmountTotal() == null ? 0 : s.getAmountTotal(),
        s.getCurrency(),
        facts);
  }

  @Override
  public Future<Refunded> refund(UUID orderId, RefundRequest request, String currency) {
    RefundCreateParams.Builder params =
        RefundCreateParams.builder()
            .setPaymentIntent(request.getPaymentIntentId())
            .putMetadata("order_id", request.getOrderId())
            .putMetadata(StripeFacts.REQUESTED_BY, StripeFacts.PLATFORM);
    if (request.getAmount() > 0) {
      params.setAmount(request.getAmount());
    }
    RefundCreateParams.Reason reason = reason(request.getReason());
    if (reason != null) {
      params.setReason(reason);
    }
    // the caller's key as Stripe's: a retry gets the first refund back instead of a second one
    RequestOptions once =
        RequestOptions.builder().setIdempotencyKey("refund-" + request.getIdempotencyKey()).build();
    return stripe
        .call(client -> client.v1().refunds().create(params.build(), once))
        .recover(e -> Future.failedFuture(StripeProblems.of(e)))
        .map(r -> new Refunded(fact(orderId, r), receipt(r)));
  }

  /** Stripe's refund reason named {@code value}, or null. */
  public static RefundCreateParams.Reason reason(String value) {
    return Arrays.stream(RefundCreateParams.Reason.values())
        .filter(r -> r.getValue().equals(value))
        .findFirst()
        .orElse(null);
  }

  private static PaymentFact fact(UUID orderId, Refund r) {
    return new PaymentFact(
        PaymentFact.Kind.REFUNDED,
        orderId,
        r.getAmount(),
        r.getCurrency(),
        null,
        r.getPaymentIntent(),
        r.getId(),
        null,
        null,
        true);
  }

  private static RefundReceipt receipt(Refund r) {
    return RefundReceipt.newBuilder()
        .setRefundId(r.getId())
        .setAmount(r.getAmount())
        .setCurrency(r.getCurrency())
        .setStatus(r.getStatus() == null ? "" : r.getStatus())
        .build();
  }
}
