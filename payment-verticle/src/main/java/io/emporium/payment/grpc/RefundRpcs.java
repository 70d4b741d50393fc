package io.emporium.payment.grpc;

import com.stripe.model.Refund;
import com.stripe.net.RequestOptions;
import com.stripe.param.RefundCreateParams;
import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.payment.client.StripeFacts;
import io.emporium.payment.client.StripeGateway;
import io.emporium.payment.client.StripeProblems;
import io.emporium.payment.domain.PaymentFact;
import io.emporium.payment.store.Ledger;
import io.emporium.payment.store.PaymentRecorder;
import io.emporium.proto.payment.v1.PaymentGrpcService;
import io.emporium.proto.payment.v1.RefundReceipt;
import io.emporium.proto.payment.v1.RefundRequest;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Refunds of an order's payment through stripe-java, idempotent per the caller's key; for the
 * ordering service only.
 */
public final class RefundRpcs {
  private static final int MAX_KEY_LENGTH = 200;

  private final StripeGateway stripe;
  private final Pool pool;
  private final Ledger ledger;
  private final PaymentRecorder recorder;

  public RefundRpcs(StripeGateway stripe, Pool pool, Ledger ledger, PaymentRecorder recorder) {
    this.stripe = stripe;
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
    RefundCreateParams.Reason reason = reason(request.getReason());
    if (!request.getReason().isBlank() && reason == null) {
      errors.add(
          new ApiProblem.FieldError(
              "reason", "must be duplicate, fraudulent or requested_by_customer"));
    }
    if (!errors.isEmpty()) {
      return Future.failedFuture(ApiProblem.invalid(errors));
    }
    RefundCreateParams.Builder params =
        RefundCreateParams.builder()
            .setPaymentIntent(request.getPaymentIntentId())
            .putMetadata("order_id", request.getOrderId())
            .putMetadata(StripeFacts.REQUESTED_BY, StripeFacts.PLATFORM);
    if (request.getAmount() > 0) {
      params.setAmount(request.getAmount());
    }
    if (reason != null) {
      params.setReason(reason);
    }
    // the caller's key as Stripe's: a retry gets the first refund back instead of a second one
    RequestOptions once =
        RequestOptions.builder().setIdempotencyKey("refund-" + request.getIdempotencyKey()).build();
    return ledger
        .paidWith(orderId, request.getPaymentIntentId())
        .compose(
            paid ->
                paid
                    ? Future.succeededFuture()
                    : Future.failedFuture(
                        ApiProblem.notFound(
                            "This order has no payment "
                                + request.getPaymentIntentId()
                                + " to refund.")))
        .compose(v -> stripe.call(client -> client.v1().refunds().create(params.build(), once)))
        .recover(e -> Future.failedFuture(StripeProblems.of(e)))
        .compose(
            refund ->
                pool.withTransaction(tx -> recorder.record(tx, List.of(fact(orderId, refund))))
                    .map(recorded -> receipt(refund)));
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

  private static RefundCreateParams.Reason reason(String value) {
    return Arrays.stream(RefundCreateParams.Reason.values())
        .filter(r -> r.getValue().equals(value))
        .findFirst()
        .orElse(null);
  }
}
