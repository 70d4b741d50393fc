package io.emporium.ordering.saga;

import io.emporium.common.events.AuditTrail;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.ordering.domain.Actor;
import io.emporium.ordering.domain.OrderStatus;
import io.emporium.ordering.store.OrderStore;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.ReservationRef;
import io.emporium.proto.ordering.v1.Order;
import io.emporium.proto.payment.v1.OrderPaymentRef;
import io.emporium.proto.payment.v1.PaymentGrpcClient;
import io.emporium.proto.payment.v1.PaymentOutcome;
import io.emporium.proto.payment.v1.RefundRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a payment outcome does to an order, however it was learned (payment event, confirm, sweeper) and
 * however often: paid commits the reservation, cancelled releases it. Each runs with the order row locked,
 * so a payment and a cancellation of one order never interleave; the catalog and payment calls are idempotent.
 */
public final class OrderPayments {
  private static final Logger LOG = LoggerFactory.getLogger(OrderPayments.class);
  public static final String SERVICE = "ordering";
  /** Who acted when Stripe reports a refund the order had not counted: no user of ours that we know of. */
  private static final CallContext STRIPE = new CallContext(null, null, "stripe");
  private final AuditTrail audit = new AuditTrail("ordering");
  private final OrderStore orders;
  private final GrpcCalls catalog;
  private final GrpcCalls payment;

  public OrderPayments(OrderStore orders, GrpcCalls catalog, GrpcCalls payment) {
    this.orders = orders;
    this.catalog = catalog;
    this.payment = payment;
  }

  /**
   * A payment of the order succeeded: a waiting order becomes paid and its stock sold. A payment the order
   * does not need (it was cancelled, or already paid through another PaymentIntent) is refunded in full.
   */
  public Future<Optional<Order>> paid(SqlConnection tx, UUID orderId, String paymentIntentId, String sessionId, String requestId) {
    CallContext self = CallContext.service(requestId, SERVICE);
    return orders.lock(tx, orderId).compose(found -> {
      if (found.isEmpty()) {
        LOG.warn("a payment {} names order {}, which does not exist", paymentIntentId, orderId);
        return Future.succeededFuture(found);
      }
      Order order = found.get();
      OrderStatus status = OrderStatus.of(order.getStatus());
      if (status == OrderStatus.PENDING_PAYMENT) {
        return catalog.call(CatalogGrpcClient.CommitReservation, ref(orderId), self).transform(committed -> {
          if (committed.succeeded()) {
            // paid through a PaymentIntent of its own: the order's Checkout Session must not take a second payment
            Future<Void> closed = sessionId.isEmpty() && !order.getCheckoutSessionId().isEmpty() ? expireSession(orderId, self)
                : Future.succeededFuture();
            return orders.markPaid(tx, order, paymentIntentId).compose(paid -> closed.map(Optional.of(paid)));
          }
          if (isGone(committed.cause())) {
            // the hold ended before the money came (it outlives the session, so this is rare): sell nothing, give the money back
            return orders.markCancelled(tx, order, "refunded", "stock_released")
                .compose(cancelled -> refund(tx, orderId, paymentIntentId, "", "stock_released", self).map(Optional.of(cancelled)));
          }
          return Future.failedFuture(committed.cause());
        });
      }
      // the order's own payment, told again: whatever happened to the order since (even a refund) was decided with it
      if (order.getPaymentIntentId().equals(paymentIntentId)) {
        return Future.succeededFuture(found);
      }
      if (status != OrderStatus.CANCELLED && status != OrderStatus.REFUNDED && order.getPaymentIntentId().isEmpty()) {
        return Future.succeededFuture(found);
      }
      LOG.warn("order {} is {} but payment {} succeeded: refunding it", orderId, status.wire(), paymentIntentId);
      return refund(tx, orderId, paymentIntentId, status == OrderStatus.CANCELLED ? "" : "duplicate",
          status == OrderStatus.CANCELLED ? "order_cancelled" : "duplicate_payment", self).map(found);
    });
  }

  /**
   * The order will not be paid: a waiting order is cancelled, its stock released and its discount use given back.
   * With {@code closeSession} its Stripe session is expired too, so it can no longer be paid.
   */
  public Future<Optional<Order>> cancel(SqlConnection tx, UUID orderId, String paymentStatus, String reason, boolean closeSession,
                                        String requestId) {
    return cancel(tx, orderId, paymentStatus, reason, closeSession, requestId, Actor.SYSTEM);
  }

  /** As above, cancelled by {@code actor}. */
  public Future<Optional<Order>> cancel(SqlConnection tx, UUID orderId, String paymentStatus, String reason, boolean closeSession,
                                        String requestId, Actor actor) {
    CallContext self = CallContext.service(requestId, SERVICE);
    return orders.lock(tx, orderId).compose(found -> {
      if (found.isEmpty() || !found.get().getStatus().equals(OrderStatus.PENDING_PAYMENT.wire())) {
        return Future.succeededFuture(found);
      }
      // the session is closed first: if the customer paid in the meantime, the order is paid, not cancelled
      Future<PaymentOutcome> closed = closeSession
          ? payment.call(PaymentGrpcClient.ExpireCheckoutSession, OrderPaymentRef.newBuilder().setOrderId(orderId.toString()).build(), self)
          : Future.succeededFuture(PaymentOutcome.getDefaultInstance());
      return closed.compose(outcome -> {
        if (outcome.getStatus().equals("paid")) {
          return paid(tx, orderId, outcome.getPaymentIntentId(), outcome.getSessionId(), requestId);
        }
        return catalog.call(CatalogGrpcClient.ReleaseReservation, ref(orderId), self)
            .compose(v -> orders.markCancelled(tx, found.get(), paymentStatus, reason, actor)).map(Optional::of);
      });
    });
  }

  /**
   * Stripe took a payment that does not match what the order expects (its amount, currency, session or PaymentIntent):
   * the order is left as it is, and the money is given back in full, with the order locked like any payment change.
   */
  public Future<Void> mismatched(SqlConnection tx, UUID orderId, String paymentIntentId, String requestId) {
    CallContext self = CallContext.service(requestId, SERVICE);
    return orders.lock(tx, orderId).compose(found -> {
      LOG.warn("payment {} does not match order {}: refunding it", paymentIntentId, orderId);
      return refund(tx, orderId, paymentIntentId, "", "payment_mismatch", self);
    });
  }

  private Future<Void> expireSession(UUID orderId, CallContext self) {
    return payment.call(PaymentGrpcClient.ExpireCheckoutSession, OrderPaymentRef.newBuilder().setOrderId(orderId.toString()).build(), self)
        .mapEmpty();
  }

  /**
   * A refund Stripe reports (one we asked for, or one made elsewhere, like Stripe's dashboard): counted once in the
   * order's refunded total when it refunds the order's own payment; refunds of payments the order did not need are not.
   */
  public Future<Void> refunded(SqlConnection tx, UUID orderId, String paymentIntentId, String refundId, long amount) {
    return orders.lock(tx, orderId).compose(found -> found.isEmpty() || !found.get().getPaymentIntentId().equals(paymentIntentId)
        ? Future.succeededFuture()
        : orders.addRefund(tx, found.get(), refundId, amount).compose(counted -> !counted ? Future.<Void>succeededFuture()
            // ours are counted when we make them: one counted only now was made in Stripe's dashboard, or is ours from
            // an order change that did not commit (then its order.refunded entry is missing too)
            : audit.record(tx, STRIPE, "order.refund_reconciled", "order", orderId.toString(),
                new JsonObject().put("refunded", found.get().getRefunded()),
                new JsonObject().put("refunded", found.get().getRefunded() + amount).put("amount", amount).put("refundId", refundId))));
  }

  /**
   * A full refund of a payment the order cannot use, once per PaymentIntent, audited as the platform's own act;
   * {@code reason} is Stripe's ({@code duplicate}) or empty, {@code why} says which rule made it.
   */
  private Future<Void> refund(SqlConnection tx, UUID orderId, String paymentIntentId, String reason, String why, CallContext self) {
    RefundRequest request = RefundRequest.newBuilder().setOrderId(orderId.toString()).setPaymentIntentId(paymentIntentId)
        .setReason(reason).setIdempotencyKey("unneeded-payment-" + paymentIntentId).build();
    return payment.call(PaymentGrpcClient.RefundPayment, request, self)
        .compose(receipt -> audit.record(tx, self, "order.refunded_automatically", "order", orderId.toString(), null,
            new JsonObject().put("paymentIntentId", paymentIntentId).put("amount", receipt.getAmount()).put("refundId", receipt.getRefundId())
                .put("reason", why)));
  }

  /** The hold is no longer there to commit: released (409) or never made (404). */
  private static boolean isGone(Throwable e) {
    return e instanceof ApiProblem p && (p.status() == 409 || p.status() == 404);
  }

  private static ReservationRef ref(UUID orderId) {
    return ReservationRef.newBuilder().setOrderId(orderId.toString()).build();
  }
}
