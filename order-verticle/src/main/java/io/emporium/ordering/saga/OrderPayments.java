package io.emporium.ordering.saga;

import io.emporium.common.events.AuditTrail;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.ordering.domain.Actor;
import io.emporium.ordering.domain.OrderStatus;
import io.emporium.ordering.domain.PaymentStatus;
import io.emporium.ordering.saga.OrderMoves.Kind;
import io.emporium.ordering.saga.OrderMoves.Step;
import io.emporium.ordering.store.OrderStore;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.ReservationRef;
import io.emporium.proto.ordering.v1.Order;
import io.emporium.proto.payment.v1.OrderPaymentRef;
import io.emporium.proto.payment.v1.PaymentGrpcClient;
import io.emporium.proto.payment.v1.PaymentOutcome;
import io.emporium.proto.payment.v1.RefundReceipt;
import io.emporium.proto.payment.v1.RefundRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a payment outcome does to an order, however it was learned (payment event, confirm, sweeper)
 * and however often: paid commits the reservation, cancelled releases it. Each is an {@link
 * OrderMoves} step, so a payment and a cancellation of one order never interleave and no
 * transaction waits on the catalog or the payment service.
 */
public final class OrderPayments {
  private static final Logger LOG = LoggerFactory.getLogger(OrderPayments.class);

  /**
   * Who acted when the payment provider (stripe, paypal) reports a refund the order had not
   * counted: no user of ours that we know of.
   */
  private static CallContext provider(Order order) {
    return new CallContext(
        null, null, order.getPaymentProvider().isEmpty() ? "stripe" : order.getPaymentProvider());
  }

  private final AuditTrail audit = new AuditTrail("ordering");
  private final OrderStore orders;
  private final OrderMoves moves;
  private final GrpcCalls catalog;
  private final GrpcCalls payment;

  /**
   * What a move that ends an order records with it, in the same transaction (an audit entry): the
   * order as it is then.
   */
  @FunctionalInterface
  public interface Recorded {
    Recorded NOTHING = (tx, before, after) -> Future.succeededFuture(after);

    Future<Order> with(SqlConnection tx, Order before, Order after);
  }

  public OrderPayments(OrderStore orders, OrderMoves moves, GrpcCalls catalog, GrpcCalls payment) {
    this.orders = orders;
    this.moves = moves;
    this.catalog = catalog;
    this.payment = payment;
    moves.handle(
        Kind.PAID,
        step ->
            paid(
                step,
                step.args().getString("paymentIntentId"),
                step.args().getString("sessionId")));
    moves.handle(
        Kind.CANCEL,
        step ->
            cancel(
                step,
                PaymentStatus.of(step.args().getString("paymentStatus")),
                step.args().getString("reason"),
                step.args().getBoolean("closeSession"),
                Actor.SYSTEM,
                Recorded.NOTHING));
    moves.handle(Kind.MISMATCH, this::mismatched);
  }

  /**
   * A payment of the order succeeded: a waiting order becomes paid and its stock sold. A payment
   * the order does not need (it was cancelled, or already paid through another PaymentIntent) is
   * refunded in full.
   */
  public Future<Optional<Order>> paid(
      UUID orderId, String paymentIntentId, String sessionId, String requestId) {
    return moves.submit(orderId, Kind.PAID, paidArgs(paymentIntentId, sessionId), requestId);
  }

  /** As above, asked for in the transaction that records a payment event. */
  public Future<Void> paid(
      SqlConnection tx, UUID orderId, String paymentIntentId, String sessionId, String requestId) {
    return moves.enqueue(tx, orderId, Kind.PAID, paidArgs(paymentIntentId, sessionId), requestId);
  }

  /**
   * The order will not be paid: a waiting order is cancelled, its stock released and its discount
   * use given back. With {@code closeSession} its Stripe session is expired first, so it can no
   * longer be paid.
   */
  public Future<Optional<Order>> cancel(
      UUID orderId,
      PaymentStatus paymentStatus,
      String reason,
      boolean closeSession,
      String requestId) {
    return moves.submit(
        orderId, Kind.CANCEL, cancelArgs(paymentStatus, reason, closeSession), requestId);
  }

  /** As above, asked for in the transaction that records a payment event. */
  public Future<Void> cancel(
      SqlConnection tx,
      UUID orderId,
      PaymentStatus paymentStatus,
      String reason,
      boolean closeSession,
      String requestId) {
    return moves.enqueue(
        tx, orderId, Kind.CANCEL, cancelArgs(paymentStatus, reason, closeSession), requestId);
  }

  /**
   * Stripe took a payment that does not match what the order expects (its amount, currency, session
   * or PaymentIntent): the order is left as it is, and the money is given back in full.
   */
  public Future<Void> mismatched(
      SqlConnection tx, UUID orderId, String paymentIntentId, String requestId) {
    return moves.enqueue(
        tx,
        orderId,
        Kind.MISMATCH,
        new JsonObject().put("paymentIntentId", paymentIntentId),
        requestId);
  }

  private static JsonObject paidArgs(String paymentIntentId, String sessionId) {
    return new JsonObject().put("paymentIntentId", paymentIntentId).put("sessionId", sessionId);
  }

  private static JsonObject cancelArgs(
      PaymentStatus paymentStatus, String reason, boolean closeSession) {
    return new JsonObject()
        .put("paymentStatus", paymentStatus.wire())
        .put("reason", reason)
        .put("closeSession", closeSession);
  }

  /**
   * The paid move: the stock is committed (or found gone, and the money given back), then the order
   * marked paid.
   */
  Future<Optional<Order>> paid(Step step, String paymentIntentId, String sessionId) {
    CallContext self = CallContext.service(step.requestId(), Actor.SERVICE);
    UUID orderId = step.orderId();
    return orders
        .find(orderId)
        .compose(
            found -> {
              if (found.isEmpty()) {
                LOG.warn(
                    "a payment {} names order {}, which does not exist", paymentIntentId, orderId);
                return step.done(found);
              }
              Order order = found.get();
              OrderStatus status = OrderStatus.of(order.getStatus());
              if (status == OrderStatus.PENDING_PAYMENT) {
                return catalog
                    .call(CatalogGrpcClient.CommitReservation, ref(orderId), self)
                    .transform(
                        committed -> {
                          if (committed.succeeded()) {
                            // paid through a PaymentIntent of its own: the order's Checkout Session
                            // must not take a second payment
                            Future<Void> closed =
                                sessionId.isEmpty() && !order.getCheckoutSessionId().isEmpty()
                                    ? expireSession(orderId, self)
                                    : Future.succeededFuture();
                            return closed
                                .compose(
                                    v ->
                                        step.commit(
                                            tx ->
                                                stillWaiting(tx, orderId)
                                                    .compose(
                                                        o ->
                                                            orders.markPaid(
                                                                tx, o, paymentIntentId))))
                                .map(Optional::of);
                          }
                          if (isGone(committed.cause())) {
                            // the hold ended before the money came (it outlives the session, so
                            // this is rare): sell nothing, give the money back
                            return refund(orderId, paymentIntentId, "", self)
                                .compose(
                                    receipt ->
                                        step.commit(
                                            tx ->
                                                stillWaiting(tx, orderId)
                                                    .compose(
                                                        o ->
                                                            orders.markCancelled(
                                                                tx,
                                                                o,
                                                                PaymentStatus.REFUNDED,
                                                                "stock_released"))
                                                    .compose(
                                                        cancelled ->
                                                            refunded(
                                                                    tx,
                                                                    orderId,
                                                                    paymentIntentId,
                                                                    receipt,
                                                                    "stock_released",
                                                                    self)
                                                                .map(cancelled))))
                                .map(Optional::of);
                          }
                          return Future.failedFuture(committed.cause());
                        });
              }
              // the order's own payment, told again: whatever happened to the order since (even a
              // refund) was decided with it
              if (order.getPaymentIntentId().equals(paymentIntentId)) {
                return step.done(found);
              }
              if (status != OrderStatus.CANCELLED
                  && status != OrderStatus.REFUNDED
                  && order.getPaymentIntentId().isEmpty()) {
                return step.done(found);
              }
              LOG.warn(
                  "order {} is {} but payment {} succeeded: refunding it",
                  orderId,
                  status.wire(),
                  paymentIntentId);
              boolean cancelled = status == OrderStatus.CANCELLED;
              String why = cancelled ? "order_cancelled" : "duplicate_payment";
              return refund(orderId, paymentIntentId, cancelled ? "" : "duplicate", self)
                  .compose(
                      receipt ->
                          step.commit(
                              tx -> refunded(tx, orderId, paymentIntentId, receipt, why, self)))
                  .map(found);
            });
  }

  /**
   * The cancel move of an order still waiting for payment: its session closed first (with {@code
   * closeSession}; if the customer paid in the meantime, the order is paid instead), its stock
   * released, then the order cancelled by {@code actor}, with what {@code recorded} adds. An order
   * no longer waiting is left as it is.
   */
  Future<Optional<Order>> cancel(
      Step step,
      PaymentStatus paymentStatus,
      String reason,
      boolean closeSession,
      Actor actor,
      Recorded recorded) {
    CallContext self = CallContext.service(step.requestId(), Actor.SERVICE);
    UUID orderId = step.orderId();
    return orders
        .find(orderId)
        .compose(
            found -> {
              if (found.isEmpty()
                  || !found.get().getStatus().equals(OrderStatus.PENDING_PAYMENT.wire())) {
                return step.done(found);
              }
              Future<PaymentOutcome> closed =
                  closeSession
                      ? payment.call(
                          PaymentGrpcClient.ExpireCheckoutSession,
                          OrderPaymentRef.newBuilder().setOrderId(orderId.toString()).build(),
                          self)
                      : Future.succeededFuture(PaymentOutcome.getDefaultInstance());
              return closed.compose(
                  outcome -> {
                    if (outcome.getStatus().equals("paid")) {
                      return paid(step, outcome.getPaymentIntentId(), outcome.getSessionId());
                    }
                    if (outcome.getStatus().equals("pending")) {
                      // captured and held by the provider for review: its money is on its way and
                      // cannot be stopped, so the order waits for how the review ends (asking
                      // changed nothing, so the step ends as a refusal)
                      return step.refuse(
                          ApiProblem.conflict(
                              "The order's payment is under review by the payment provider; it"
                                  + " can be cancelled once the review ends."));
                    }
                    return catalog
                        .call(CatalogGrpcClient.ReleaseReservation, ref(orderId), self)
                        .compose(
                            v ->
                                step.commit(
                                    tx ->
                                        stillWaiting(tx, orderId)
                                            .compose(
                                                before ->
                                                    orders
                                                        .markCancelled(
                                                            tx,
                                                            before,
                                                            paymentStatus,
                                                            reason,
                                                            actor)
                                                        .compose(
                                                            after ->
                                                                recorded.with(tx, before, after)))))
                        .map(Optional::of);
                  });
            });
  }

  private Future<Optional<Order>> mismatched(Step step) {
    String paymentIntentId = step.args().getString("paymentIntentId");
    CallContext self = CallContext.service(step.requestId(), Actor.SERVICE);
    LOG.warn("payment {} does not match order {}: refunding it", paymentIntentId, step.orderId());
    return refund(step.orderId(), paymentIntentId, "", self)
        .compose(
            receipt ->
                step.commit(
                    tx ->
                        refunded(
                            tx,
                            step.orderId(),
                            paymentIntentId,
                            receipt,
                            "payment_mismatch",
                            self)))
        .map(Optional.empty());
  }

  /**
   * The order, locked, still waiting for payment as the move found it; the moves of an order run
   * one at a time and the others refuse while one is asked for, so anything else is a bug, and the
   * move runs again to decide afresh.
   */
  private Future<Order> stillWaiting(SqlConnection tx, UUID orderId) {
    return orders
        .lock(tx, orderId)
        .map(
            found -> {
              Order order = found.orElseThrow();
              if (!order.getStatus().equals(OrderStatus.PENDING_PAYMENT.wire())) {
                throw new IllegalStateException(
                    "order "
                        + orderId
                        + " became "
                        + order.getStatus()
                        + " while a move of it ran");
              }
              return order;
            });
  }

  private Future<Void> expireSession(UUID orderId, CallContext self) {
    return payment
        .call(
            PaymentGrpcClient.ExpireCheckoutSession,
            OrderPaymentRef.newBuilder().setOrderId(orderId.toString()).build(),
            self)
        .mapEmpty();
  }

  /**
   * A refund Stripe reports (one we asked for, or one made elsewhere, like Stripe's dashboard):
   * counted once in the order's refunded total when it refunds the order's own payment; refunds of
   * payments the order did not need are not. Only this service's tables change, in the transaction
   * that records the payment event.
   */
  public Future<Void> refunded(
      SqlConnection tx,
      UUID orderId,
      String paymentIntentId,
      String refundId,
      long amount,
      boolean requested) {
    return orders
        .lock(tx, orderId)
        .compose(
            found ->
                found.isEmpty() || !found.get().getPaymentIntentId().equals(paymentIntentId)
                    ? Future.succeededFuture()
                    : orders
                        .addRefund(tx, found.get(), refundId, amount)
                        .compose(
                            counted ->
                                !counted || requested
                                    ? Future.<Void>succeededFuture()
                                    // one we asked for is audited by the move that asked (it may
                                    // commit after this event, and a failed one runs
                                    // again): one counted here and not asked for was made
                                    // elsewhere, such as Stripe's dashboard
                                    : audit.record(
                                        tx,
                                        provider(found.get()),
                                        "order.refund_reconciled",
                                        "order",
                                        orderId.toString(),
                                        new JsonObject().put("refunded", found.get().getRefunded()),
                                        new JsonObject()
                                            .put("refunded", found.get().getRefunded() + amount)
                                            .put("amount", amount)
                                            .put("refundId", refundId))));
  }

  /**
   * A full refund of a payment the order cannot use, once per PaymentIntent; {@code reason} is
   * Stripe's ({@code duplicate}) or empty.
   */
  private Future<RefundReceipt> refund(
      UUID orderId, String paymentIntentId, String reason, CallContext self) {
    RefundRequest request =
        RefundRequest.newBuilder()
            .setOrderId(orderId.toString())
            .setPaymentIntentId(paymentIntentId)
            .setReason(reason)
            .setIdempotencyKey("unneeded-payment-" + paymentIntentId)
            .build();
    return payment.call(PaymentGrpcClient.RefundPayment, request, self);
  }

  /** Audits that refund as the platform's own act; {@code why} says which rule made it. */
  private Future<Void> refunded(
      SqlConnection tx,
      UUID orderId,
      String paymentIntentId,
      RefundReceipt receipt,
      String why,
      CallContext self) {
    return audit.record(
        tx,
        self,
        "order.refunded_automatically",
        "order",
        orderId.toString(),
        null,
        new JsonObject()
            .put("paymentIntentId", paymentIntentId)
            .put("amount", receipt.getAmount())
            .put("refundId", receipt.getRefundId())
            .put("reason", why));
  }

  /** The hold is no longer there to commit: released (409) or never made (404). */
  private static boolean isGone(Throwable e) {
    return e instanceof ApiProblem p && (p.status() == 409 || p.status() == 404);
  }

  private static ReservationRef ref(UUID orderId) {
    return ReservationRef.newBuilder().setOrderId(orderId.toString()).build();
  }
}
