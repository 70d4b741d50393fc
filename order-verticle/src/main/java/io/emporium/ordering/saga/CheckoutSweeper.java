package io.emporium.ordering.saga;

import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.ordering.domain.Actor;
import io.emporium.ordering.domain.PaymentStatus;
import io.emporium.ordering.store.IdempotencyKeys;
import io.emporium.ordering.store.OrderStore;
import io.emporium.proto.payment.v1.CheckoutSessionRef;
import io.emporium.proto.payment.v1.OrderPaymentRef;
import io.emporium.proto.payment.v1.PaymentGrpcClient;
import io.emporium.proto.payment.v1.PaymentOutcome;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs checkouts that stopped between steps, so no stock stays held and no session stays payable
 * by mistake: an order that never got its session is cancelled (stock released, any session Stripe
 * made expired), and an order whose session is past its time is settled from what Stripe says
 * (paid, or cancelled). Old idempotency keys are forgotten after 24 hours.
 */
public final class CheckoutSweeper {
  private static final Logger LOG = LoggerFactory.getLogger(CheckoutSweeper.class);

  /**
   * Longer than any checkout takes with its deadlines: a younger order without a session may still
   * be getting one.
   */
  private final Duration abandonedAfter;

  /**
   * How long after an order's time to pay a webhook of its session's last moment may still be on
   * its way.
   */
  private final Duration overdueAfter;

  private final OrderStore orders;
  private final OrderPayments payments;
  private final IdempotencyKeys keys;
  private final GrpcCalls payment;
  private boolean sweeping;

  public CheckoutSweeper(
      OrderStore orders,
      OrderPayments payments,
      IdempotencyKeys keys,
      GrpcCalls payment,
      EmporiumConfig.Checkout timings) {
    this.abandonedAfter = timings.abandonedAfter();
    this.overdueAfter = timings.overdueAfter();
    this.orders = orders;
    this.payments = payments;
    this.keys = keys;
    this.payment = payment;
  }

  /** One pass; a pass still running makes this one a no-op. */
  public Future<Void> sweep() {
    if (sweeping) {
      return Future.succeededFuture();
    }
    sweeping = true;
    String requestId = "sweeper-" + UUID.randomUUID();
    return orders
        .abandoned(abandonedAfter)
        .compose(
            ids -> {
              Future<Void> chain = Future.succeededFuture();
              for (UUID id : ids) {
                chain =
                    chain.compose(
                        v ->
                            payments
                                .cancel(id, PaymentStatus.CANCELLED, "abandoned", true, requestId)
                                .onSuccess(
                                    o ->
                                        LOG.info(
                                            "cancelled order {}: its checkout stopped before the payment session was opened",
                                            id))
                                .<Void>mapEmpty()
                                .recover(e -> postponed(id, e)));
              }
              return chain;
            })
        .compose(v -> orders.overdue(overdueAfter))
        .compose(
            due -> {
              Future<Void> chain = Future.succeededFuture();
              for (OrderStore.Overdue o : due) {
                chain =
                    chain.compose(
                        v -> settle(o, requestId).recover(e -> postponed(o.orderId(), e)));
              }
              return chain;
            })
        .compose(v -> keys.forgetOld())
        .<Void>mapEmpty()
        .onComplete(ar -> sweeping = false);
  }

  private Future<Void> settle(OrderStore.Overdue due, String requestId) {
    CallContext self = CallContext.service(requestId, Actor.SERVICE);
    return payment
        .call(
            PaymentGrpcClient.SyncCheckoutSession,
            CheckoutSessionRef.newBuilder().setSessionId(due.sessionId()).build(),
            self)
        // a session Stripe no longer knows (an emulator restarted without it) can never be paid
        .recover(
            e ->
                e instanceof ApiProblem p && p.status() == 404
                    ? Future.succeededFuture(
                        PaymentOutcome.newBuilder().setStatus("expired").build())
                    : Future.failedFuture(e))
        .compose(
            outcome ->
                switch (outcome.getStatus()) {
                  case "paid" ->
                      payments
                          .paid(
                              due.orderId(),
                              outcome.getPaymentIntentId(),
                              outcome.getSessionId(),
                              requestId)
                          .<Void>mapEmpty();
                  // a session paid with what the order does not expect is spent: its money goes
                  // back, the order ends like an expired one
                  case "expired", "mismatch" ->
                      payments
                          .cancel(due.orderId(), PaymentStatus.EXPIRED, "expired", false, requestId)
                          .mapEmpty();
                  // captured, and the provider holds the money for review: never expired, its
                  // capture's event settles it
                  case "pending" -> orders.postpone(due.orderId());
                  // past its time but still open at Stripe: close it, and its expiry settles the
                  // order
                  default ->
                      payment
                          .call(
                              PaymentGrpcClient.ExpireCheckoutSession,
                              OrderPaymentRef.newBuilder()
                                  .setOrderId(due.orderId().toString())
                                  .build(),
                              self)
                          .<Void>mapEmpty();
                });
  }

  private Future<Void> postponed(UUID orderId, Throwable e) {
    LOG.warn("could not settle order {} yet, trying the others first: {}", orderId, e.toString());
    return orders.postpone(orderId).recover(x -> Future.succeededFuture());
  }
}
