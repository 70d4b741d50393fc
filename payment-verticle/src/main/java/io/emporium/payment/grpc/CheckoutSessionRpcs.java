package io.emporium.payment.grpc;

import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.payment.client.PaymentProvider;
import io.emporium.payment.client.PaymentProvider.CheckoutState;
import io.emporium.payment.client.PaymentProviders;
import io.emporium.payment.domain.CheckoutAmounts;
import io.emporium.payment.store.Ledger;
import io.emporium.payment.store.PaymentRecorder;
import io.emporium.proto.payment.v1.CheckoutSession;
import io.emporium.proto.payment.v1.CheckoutSessionRef;
import io.emporium.proto.payment.v1.CheckoutSessionRequest;
import io.emporium.proto.payment.v1.OrderPaymentRef;
import io.emporium.proto.payment.v1.PaymentGrpcService;
import io.emporium.proto.payment.v1.PaymentOutcome;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The checkouts of orders at their provider (a Stripe Checkout Session, a PayPal order): opened,
 * re-read (a PayPal order the buyer approved is captured here, never once it was closed) and
 * closed; for the ordering service only.
 */
public final class CheckoutSessionRpcs {
  private final PaymentProviders providers;
  private final Pool pool;
  private final Ledger ledger;
  private final PaymentRecorder recorder;

  public CheckoutSessionRpcs(
      PaymentProviders providers, Pool pool, Ledger ledger, PaymentRecorder recorder) {
    this.providers = providers;
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
    PaymentProvider provider = providers.of(request.getProvider());
    return provider
        .open(request)
        .compose(
            opened ->
                ledger
                    .sessionCreated(
                        orderId, opened.amount(), opened.currency(), opened.id(), provider.name())
                    .map(
                        v ->
                            CheckoutSession.newBuilder()
                                .setSessionId(opened.id())
                                .setUrl(opened.url() == null ? "" : opened.url())
                                .setStatus(opened.status())
                                .setAmountTotal(opened.amount())
                                .setCurrency(opened.currency() == null ? "" : opened.currency())
                                .setExpiresAt(
                                    opened.expiresAt() == null
                                        ? ""
                                        : Instant.ofEpochSecond(opened.expiresAt()).toString())
                                .build()));
  }

  /**
   * Re-reads a checkout; paid or expired, it is recorded as its webhook would be (once, whichever
   * comes first). A PayPal order the buyer approved is captured, unless it was closed.
   */
  Future<PaymentOutcome> sync(CallContext caller, CheckoutSessionRef ref) {
    caller.requireRole(CallContext.SERVICE_ROLE);
    if (ref.getSessionId().isBlank()) {
      return Future.failedFuture(ApiProblem.invalid("sessionId", "must be a Checkout Session id"));
    }
    String sessionId = ref.getSessionId();
    return ledger
        .checkout(sessionId)
        .compose(
            known -> {
              // a session the ledger does not name is asked of Stripe, as before PayPal
              PaymentProvider provider =
                  providers.of(known == null ? PaymentProvider.STRIPE : known.provider());
              if (!PaymentProvider.PAYPAL.equals(provider.name())) {
                return provider.complete(sessionId);
              }
              return ledger
                  .closed(sessionId)
                  .compose(
                      closed -> closed ? provider.close(sessionId) : provider.complete(sessionId));
            })
        .compose(this::recorded);
  }

  /**
   * Closes the order's checkout while it is open, so it can no longer be paid; a paid or expired
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
                    : ledger
                        .providerOf(orderId)
                        .compose(name -> providers.of(name).close(sessionId))
                        .compose(this::recorded));
  }

  /**
   * A paid checkout whose payment does not match its order is reported as {@code mismatch}, never
   * as paid.
   */
  private Future<PaymentOutcome> recorded(CheckoutState state) {
    boolean paid = CheckoutState.PAID.equals(state.status());
    return pool.withTransaction(
            tx ->
                recorder
                    .record(tx, state.facts())
                    .compose(
                        facts ->
                            paid && state.paymentId() != null
                                ? ledger.paymentMismatched(tx, state.paymentId())
                                : Future.succeededFuture(false)))
        .map(mismatched -> outcome(state, mismatched));
  }

  private static PaymentOutcome outcome(CheckoutState s, boolean mismatched) {
    String status = CheckoutState.PAID.equals(s.status()) && mismatched ? "mismatch" : s.status();
    return PaymentOutcome.newBuilder()
        .setOrderId(s.orderId() == null ? "" : s.orderId().toString())
        .setSessionId(s.checkoutId() == null ? "" : s.checkoutId())
        .setStatus(status)
        .setPaymentIntentId(s.paymentId() == null ? "" : s.paymentId())
        .setAmount(s.amount())
        .setCurrency(s.currency() == null ? "" : s.currency())
        .build();
  }
}
