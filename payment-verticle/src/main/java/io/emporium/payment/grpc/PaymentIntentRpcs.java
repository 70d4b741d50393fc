package io.emporium.payment.grpc;

import com.stripe.net.RequestOptions;
import com.stripe.param.PaymentIntentCreateParams;
import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.payment.client.PaymentProvider;
import io.emporium.payment.client.StripeGateway;
import io.emporium.payment.client.StripeProblems;
import io.emporium.payment.store.Ledger;
import io.emporium.proto.payment.v1.PaymentGrpcService;
import io.emporium.proto.payment.v1.PaymentIntentHandle;
import io.emporium.proto.payment.v1.PaymentIntentRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * PaymentIntents for custom front ends, one per order, through stripe-java; for the ordering
 * service only.
 */
public final class PaymentIntentRpcs {
  private final StripeGateway stripe;
  private final Ledger ledger;

  public PaymentIntentRpcs(StripeGateway stripe, Ledger ledger) {
    this.stripe = stripe;
    this.ledger = ledger;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(PaymentGrpcService.CreatePaymentIntent, this::create);
  }

  Future<PaymentIntentHandle> create(CallContext caller, PaymentIntentRequest request) {
    caller.requireRole(CallContext.SERVICE_ROLE);
    UUID orderId = Ids.parse(request.getOrderId());
    List<ApiProblem.FieldError> errors = new ArrayList<>();
    if (orderId == null) {
      errors.add(new ApiProblem.FieldError("orderId", "must be an order id"));
    }
    if (request.getAmount() < 1) {
      errors.add(new ApiProblem.FieldError("amount", "must be at least 1 minor unit"));
    }
    if (!request.getCurrency().matches("[a-z]{3}")) {
      errors.add(new ApiProblem.FieldError("currency", "must be a lower-case ISO 4217 code"));
    }
    if (!errors.isEmpty()) {
      return Future.failedFuture(ApiProblem.invalid(errors));
    }
    PaymentIntentCreateParams.Builder params =
        PaymentIntentCreateParams.builder()
            .setAmount(request.getAmount())
            .setCurrency(request.getCurrency())
            .putMetadata("order_id", request.getOrderId());
    if (!request.getCustomerId().isBlank()) {
      params.putMetadata("customer_id", request.getCustomerId());
    }
    // keyed by the order: asking again for the same order never makes a second intent
    RequestOptions once =
        RequestOptions.builder()
            .setIdempotencyKey("payment-intent-" + request.getOrderId())
            .build();
    return ledger
        .providerOf(orderId)
        .compose(
            provider ->
                PaymentProvider.STRIPE.equals(provider)
                    ? Future.succeededFuture()
                    : Future.failedFuture(
                        ApiProblem.conflict(
                            "Order "
                                + request.getOrderId()
                                + " is paid through PayPal; PaymentIntents are for card payments.")))
        .compose(
            v -> stripe.call(client -> client.v1().paymentIntents().create(params.build(), once)))
        .recover(e -> Future.failedFuture(StripeProblems.of(e)))
        .compose(
            intent ->
                ledger
                    .intentCreated(
                        orderId, intent.getAmount(), intent.getCurrency(), intent.getId())
                    .map(
                        v ->
                            PaymentIntentHandle.newBuilder()
                                .setPaymentIntentId(intent.getId())
                                .setClientSecret(intent.getClientSecret())
                                .setStatus(intent.getStatus())
                                .build()));
  }
}
