package io.emporium.payment.grpc;

import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.payment.client.PaymentProviders;
import io.emporium.payment.client.StripeProvider;
import io.emporium.payment.store.Ledger;
import io.emporium.payment.store.PaymentRecorder;
import io.emporium.proto.payment.v1.PaymentGrpcService;
import io.emporium.proto.payment.v1.RefundReceipt;
import io.emporium.proto.payment.v1.RefundRequest;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Refunds of an order's payment through its provider (Stripe, or PayPal's capture refund),
 * idempotent per the caller's key; for the ordering service only.
 */
public final class RefundRpcs {
  private static final int MAX_KEY_LENGTH = 200;

  private final PaymentProviders providers;
  private final Pool pool;
  private final Ledger ledger;
  private final PaymentRecorder recorder;

  public RefundRpcs(
      PaymentProviders providers, Pool pool, Ledger ledger, PaymentRecorder recorder) {
    this.providers = providers;
    this.pool = pool;
    this.ledger = ledger;
    this.recorder = recorder;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(PaymentGrpcService.RefundPayment, this::refund);
  }

  Future<RefundReceipt> refund(CallContext caller, RefundRequest request) {
    caller.requireRole(CallContext.SERVICE_ROLE);
    UUID orderId = Ids.parse(request.getOrderId());
    List<ApiProblem.FieldError> errors = new ArrayList<>();
    if (orderId == null) {
      errors.add(new ApiProblem.FieldError("orderId", "must be an order id"));
    }
    if (request.getPaymentIntentId().isBlank()) {
      errors.add(new ApiProblem.FieldError("paymentIntentId", "must be the order's PaymentIntent"));
    }
    if (request.getAmount() < 0) {
      errors.add(new ApiProblem.FieldError("amount", "must be 0 (all that is left) or more"));
    }
    if (request.getIdempotencyKey().isBlank()
        || request.getIdempotencyKey().length() > MAX_KEY_LENGTH) {
      errors.add(
          new ApiProblem.FieldError(
              "idempotencyKey", "must be given, at most " + MAX_KEY_LENGTH + " characters"));
    }
    if (!request.getReason().isBlank() && StripeProvider.reason(request.getReason()) == null) {
      errors.add(
          new ApiProblem.FieldError(
              "reason", "must be duplicate, fraudulent or requested_by_customer"));
    }
    if (!errors.isEmpty()) {
      return Future.failedFuture(ApiProblem.invalid(errors));
    }
    return ledger
        .paidWith(orderId, request.getPaymentIntentId())
        .compose(
            currency ->
                currency != null
                    ? ledger.providerOf(orderId).map(name -> new Paid(name, currency))
                    : Future.failedFuture(
                        ApiProblem.notFound(
                            "This order has no payment "
                                + request.getPaymentIntentId()
                                + " to refund.")))
        .compose(paid -> providers.of(paid.provider()).refund(orderId, request, paid.currency()))
        .compose(
            refunded ->
                pool.withTransaction(tx -> recorder.record(tx, List.of(refunded.fact())))
                    .map(recorded -> refunded.receipt()));
  }

  private record Paid(String provider, String currency) {}
}
