package io.emporium.payment.grpc;

import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.checkout.SessionCreateParams;
import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.payment.client.StripeGateway;
import io.emporium.payment.domain.CheckoutAmounts;
import io.emporium.payment.store.Ledger;
import io.emporium.proto.payment.v1.CheckoutLine;
import io.emporium.proto.payment.v1.CheckoutSession;
import io.emporium.proto.payment.v1.CheckoutSessionRequest;
import io.emporium.proto.payment.v1.PaymentGrpcService;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Stripe Checkout Sessions for orders, through stripe-java (on the gateway's worker threads). */
public final class CheckoutSessionRpcs {
  private final StripeGateway stripe;
  private final Ledger ledger;

  public CheckoutSessionRpcs(StripeGateway stripe, Ledger ledger) {
    this.stripe = stripe;
    this.ledger = ledger;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(PaymentGrpcService.CreateCheckoutSession, this::create);
  }

  Future<CheckoutSession> create(CallContext caller, CheckoutSessionRequest request) {
    UUID orderId = Ids.parse(request.getOrderId());
    List<ApiProblem.FieldError> errors = new java.util.ArrayList<>(CheckoutAmounts.validate(request));
    if (orderId == null) {
      errors.add(new ApiProblem.FieldError("orderId", "must be an order id"));
    }
    if (!errors.isEmpty()) {
      return Future.failedFuture(ApiProblem.invalid(errors));
    }
    SessionCreateParams.Builder params = SessionCreateParams.builder()
        .setMode(SessionCreateParams.Mode.PAYMENT)
        .setSuccessUrl(request.getSuccessUrl())
        .setCancelUrl(request.getCancelUrl())
        .setClientReferenceId(request.getOrderId())
        .putMetadata("order_id", request.getOrderId())
        .putMetadata("customer_id", request.getCustomerId())
        .setPaymentIntentData(SessionCreateParams.PaymentIntentData.builder().putMetadata("order_id", request.getOrderId()).build());
    if (request.getExpiresAt() > 0) {
      params.setExpiresAt(request.getExpiresAt());
    }
    for (CheckoutLine line : CheckoutAmounts.linesForStripe(request)) {
      params.addLineItem(SessionCreateParams.LineItem.builder().setQuantity((long) line.getQuantity())
          .setPriceData(SessionCreateParams.LineItem.PriceData.builder().setCurrency(request.getCurrency())
              .setUnitAmount(line.getUnitAmount())
              .setProductData(SessionCreateParams.LineItem.PriceData.ProductData.builder().setName(line.getName()).build())
              .build())
          .build());
    }
    // the order id as Stripe's idempotency key: asking again for the same order never opens a second session
    RequestOptions once = RequestOptions.builder().setIdempotencyKey("checkout-session-" + request.getOrderId()).build();
    return stripe.call(client -> client.v1().checkout().sessions().create(params.build(), once))
        .recover(e -> Future.failedFuture(problem(e)))
        .compose(session -> ledger.sessionCreated(orderId, session.getAmountTotal(), session.getCurrency(), session.getId())
            .map(v -> json(session)));
  }

  private static CheckoutSession json(Session s) {
    return CheckoutSession.newBuilder().setSessionId(s.getId()).setUrl(s.getUrl() == null ? "" : s.getUrl())
        .setStatus(s.getStatus() == null ? "" : s.getStatus()).setAmountTotal(s.getAmountTotal() == null ? 0 : s.getAmountTotal())
        .setCurrency(s.getCurrency() == null ? "" : s.getCurrency())
        .setExpiresAt(s.getExpiresAt() == null ? "" : Instant.ofEpochSecond(s.getExpiresAt()).toString())
        .build();
  }

  /**
   * Stripe's refusals of what we sent are ours to fix (422); the same order sent again with other amounts is
   * a conflict (409); anything else from Stripe is a bad gateway.
   */
  private static Throwable problem(Throwable e) {
    if (e instanceof IdempotencyException) {
      return ApiProblem.conflict("This order was already sent to the payment provider with other amounts or details.");
    }
    if (e instanceof InvalidRequestException invalid) {
      return ApiProblem.invalid(invalid.getParam() == null ? "payment" : invalid.getParam(), invalid.getStripeError() == null
          ? invalid.getMessage() : invalid.getStripeError().getMessage());
    }
    if (e instanceof StripeException stripe) {
      return new ApiProblem(502, ApiProblem.titleFor(502), "The payment provider failed: " + stripe.getMessage(), List.of(), null);
    }
    return e;
  }
}
