package io.emporium.payment.grpc;

import com.stripe.StripeClient;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.checkout.SessionCreateParams;
import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.payment.client.StripeFacts;
import io.emporium.payment.client.StripeGateway;
import io.emporium.payment.client.StripeJson;
import io.emporium.payment.client.StripeProblems;
import io.emporium.payment.domain.CheckoutAmounts;
import io.emporium.payment.store.Ledger;
import io.emporium.payment.store.PaymentRecorder;
import io.emporium.proto.payment.v1.CheckoutLine;
import io.emporium.proto.payment.v1.CheckoutSession;
import io.emporium.proto.payment.v1.CheckoutSessionRef;
import io.emporium.proto.payment.v1.CheckoutSessionRequest;
import io.emporium.proto.payment.v1.OrderPaymentRef;
import io.emporium.proto.payment.v1.PaymentGrpcService;
import io.emporium.proto.payment.v1.PaymentOutcome;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Stripe Checkout Sessions for orders, through stripe-java (on the gateway's worker threads); for
 * the ordering service only.
 */
public final class CheckoutSessionRpcs {
  private final StripeGateway stripe;
  private final Pool pool;
  private final Ledger ledger;
  private final PaymentRecorder recorder;

  public CheckoutSessionRpcs(
      StripeGateway stripe, Pool pool, Ledger ledger, PaymentRecorder recorder) {
    this.stripe = stripe;
    this.pool = pool;
    this.ledger = ledger;
    this.recorder = recorder;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(PaymentGrpcService.CreateCheckoutSession, this::create);
    endpoints.unary(PaymentGrpcService.SyncCheckoutSession, this::sync);
    endpoints.unary(PaymentGrpcService.ExpireCheckoutSession, this::expire);
  }

  Future<CheckoutSession> create(CallContext caller, CheckoutSessionRequest request) {
    caller.requireRole(CallContext.SERVICE_ROLE);
    UUID orderId = Ids.parse(request.getOrderId());
    List<ApiProblem.FieldError> errors =
        new java.util.ArrayList<>(CheckoutAmounts.validate(request));
    if (orderId == null) {
      errors.add(new ApiProblem.FieldError("orderId", "must be an order id"));
    }
    if (!errors.isEmpty()) {
      return Future.failedFuture(ApiProblem.invalid(errors));
    }
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
        .compose(
            session ->
                ledger
                    .sessionCreated(
                        orderId, session.getAmountTotal(), session.getCurrency(), session.getId())
                    .map(v -> json(session)));
  }

  /**
   * Re-reads a session; paid or expired, it is recorded as its webhook would be (once, whichever
   * comes first).
   */
  Future<PaymentOutcome> sync(CallContext caller, CheckoutSessionRef ref) {
    caller.requireRole(CallContext.SERVICE_ROLE);
    if (ref.getSessionId().isBlank()) {
      return Future.failedFuture(ApiProblem.invalid("sessionId", "must be a Checkout Session id"));
    }
    return stripe
        .call(client -> client.v1().checkout().sessions().retrieve(ref.getSessionId()))
        .recover(e -> Future.failedFuture(StripeProblems.of(e)))
        .compose(this::recorded);
  }

  /**
   * Expires the order's session while it is open, so it can no longer be paid; a paid or expired
   * one is only reported.
   */
  Future<PaymentOutcome> expire(CallContext caller, OrderPaymentRef ref) {
    caller.requireRole(CallContext.SERVICE_ROLE);
    UUID orderId = Ids.parse(ref.getOrderId());
    if (orderId == null) {
      return Future.failedFuture(ApiProblem.invalid("orderId", "must be an order id"));
    }
    return ledger
        .sessionOf(orderId)
        .compose(
            sessionId ->
                sessionId == null
                    ? Future.succeededFuture(
                        PaymentOutcome.newBuilder().setOrderId(ref.getOrderId()).build())
                    : stripe
                        .call(client -> expireIfOpen(client, sessionId))
                        .recover(e -> Future.failedFuture(StripeProblems.of(e)))
                        .compose(this::recorded));
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

  /**
   * A paid session whose payment does not match its order is reported as {@code mismatch}, never as
   * paid.
   */
  private Future<PaymentOutcome> recorded(Session session) {
    JsonObject json = StripeJson.of(session);
    boolean paid =
        "complete".equals(session.getStatus()) && "paid".equals(session.getPaymentStatus());
    return pool.withTransaction(
            tx ->
                recorder
                    .record(tx, StripeFacts.ofSession(json, null))
                    .compose(
                        facts ->
                            paid && session.getPaymentIntent() != null
                                ? ledger.paymentMismatched(tx, session.getPaymentIntent())
                                : Future.succeededFuture(false)))
        .map(mismatched -> outcome(session, mismatched));
  }

  private static PaymentOutcome outcome(Session s, boolean mismatched) {
    String status =
        "complete".equals(s.getStatus()) && "paid".equals(s.getPaymentStatus())
            ? (mismatched ? "mismatch" : "paid")
            : "expired".equals(s.getStatus()) ? "expired" : "open";
    UUID orderId = StripeFacts.orderOf(StripeJson.of(s));
    return PaymentOutcome.newBuilder()
        .setOrderId(orderId == null ? "" : orderId.toString())
        .setSessionId(s.getId())
        .setStatus(status)
        .setPaymentIntentId(s.getPaymentIntent() == null ? "" : s.getPaymentIntent())
        .setAmount(s.getAmountTotal() == null ? 0 : s.getAmountTotal())
        .setCurrency(s.getCurrency() == null ? "" : s.getCurrency())
        .build();
  }

  private static CheckoutSession json(Session s) {
    return CheckoutSession.newBuilder()
        .setSessionId(s.getId())
        .setUrl(s.getUrl() == null ? "" : s.getUrl())
        .setStatus(s.getStatus() == null ? "" : s.getStatus())
        .setAmountTotal(s.getAmountTotal() == null ? 0 : s.getAmountTotal())
        .setCurrency(s.getCurrency() == null ? "" : s.getCurrency())
        .setExpiresAt(
            s.getExpiresAt() == null ? "" : Instant.ofEpochSecond(s.getExpiresAt()).toString())
        .build();
  }
}
