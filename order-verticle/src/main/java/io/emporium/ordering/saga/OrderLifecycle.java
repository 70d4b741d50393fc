package io.emporium.ordering.saga;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emporium.common.Ids;
import io.emporium.common.events.AuditTrail;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.common.problem.ApiProblem.FieldError;
import io.emporium.ordering.domain.Actor;
import io.emporium.ordering.domain.OrderStatus;
import io.emporium.ordering.domain.PaymentStatus;
import io.emporium.ordering.saga.OrderMoves.Kind;
import io.emporium.ordering.saga.OrderMoves.Step;
import io.emporium.ordering.store.IdempotencyKeys;
import io.emporium.ordering.store.IdempotencyKeys.Finished;
import io.emporium.ordering.store.OrderStore;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.ReservationRef;
import io.emporium.proto.ordering.v1.Order;
import io.emporium.proto.ordering.v1.OrderItem;
import io.emporium.proto.ordering.v1.OrderRef;
import io.emporium.proto.ordering.v1.RefundOrderRequest;
import io.emporium.proto.ordering.v1.ShipOrderRequest;
import io.emporium.proto.ordering.v1.Shipment;
import io.emporium.proto.payment.v1.PaymentGrpcClient;
import io.emporium.proto.payment.v1.RefundReceipt;
import io.emporium.proto.payment.v1.RefundRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * An order after checkout: sellers ship their parts, an admin marks it delivered, the customer or
 * an admin cancels it before shipment (a paid order is refunded and its stock goes back on sale),
 * and an admin refunds it in full or in part. Every change runs with the order's row locked, so two
 * changes of one order never both win.
 */
public final class OrderLifecycle {
  private static final String REFUND = "refund";
  private static final Set<String> STRIPE_REASONS =
      Set.of("duplicate", "fraudulent", "requested_by_customer");
  private final OrderStore orders;
  private final OrderPayments payments;
  private final OrderMoves moves;
  private final IdempotencyKeys keys;
  private final GrpcCalls catalog;
  private final GrpcCalls payment;
  private final AuditTrail audit = new AuditTrail("ordering");

  public OrderLifecycle(
      OrderStore orders,
      OrderPayments payments,
      OrderMoves moves,
      IdempotencyKeys keys,
      GrpcCalls catalog,
      GrpcCalls payment) {
    this.orders = orders;
    this.payments = payments;
    this.moves = moves;
    moves.handle(Kind.CANCEL_ORDER, this::cancel);
    moves.handle(Kind.REFUND, this::refund);
    this.keys = keys;
    this.catalog = catalog;
    this.payment = payment;
  }

  /** The order, locked; 404 when it does not exist or is not for this caller to act on. */
  private Future<Order> locked(
      SqlConnection tx, String rawId, java.util.function.Predicate<Order> mayAct) {
    UUID id = Ids.parse(rawId);
    ApiProblem missing = ApiProblem.notFound("No order " + rawId + ".");
    if (id == null) {
      return Future.failedFuture(missing);
    }
    return orders.lock(tx, id).map(found -> found.filter(mayAct).orElseThrow(() -> missing));
  }

  /**
   * As {@link #locked}, for a move made here alone: 409 while a move that calls other services is
   * asked for or running.
   */
  private Future<Order> still(
      SqlConnection tx, String rawId, java.util.function.Predicate<Order> mayAct) {
    return locked(tx, rawId, mayAct)
        .compose(
            order ->
                moves
                    .busy(tx, UUID.fromString(order.getId()))
                    .map(
                        busy -> {
                          if (busy) {
                            throw ApiProblem.conflict(
                                "Order "
                                    + order.getId()
                                    + " is changing (a payment, cancellation or refund is under way); try again in a moment.");
                          }
                          return order;
                        }));
  }

  private static Actor actor(CallContext caller) {
    return new Actor(caller.userId(), caller.role());
  }

  private static Set<String> sellers(Order order) {
    Set<String> sellers = new LinkedHashSet<>();
    order.getItemsList().stream()
        .map(OrderItem::getSellerId)
        .filter(s -> !s.isEmpty())
        .forEach(sellers::add);
    return sellers;
  }

  /**
   * A seller ships their part of a paid order (an admin ships every part not shipped yet): the
   * first shipment records {@code processing}, the last one {@code shipped}.
   */
  public Future<Order> ship(CallContext caller, ShipOrderRequest request) {
    UUID me = caller.requireRole("seller", "admin");
    List<FieldError> errors = new ArrayList<>();
    text(errors, "carrier", request.getCarrier());
    text(errors, "trackingNumber", request.getTrackingNumber());
    if (!errors.isEmpty()) {
      return Future.failedFuture(ApiProblem.invalid(errors));
    }
    String seller = me.toString();
    Actor actor = actor(caller);
    return orders
        .pool()
        .withTransaction(
            tx ->
                still(
                        tx,
                        request.getOrderId(),
                        o -> caller.isAdmin() || sellers(o).contains(seller))
                    .compose(
                        order -> {
                          OrderStatus status = OrderStatus.of(order.getStatus());
                          if (status != OrderStatus.PAID && status != OrderStatus.PROCESSING) {
                            return Future.failedFuture(
                                ApiProblem.conflict(
                                    "Order "
                                        + order.getId()
                                        + " is "
                                        + status.wire()
                                        + "; only a paid order ships."));
                          }
                          if (order.getRefunded() == order.getTotal()) {
                            return Future.failedFuture(
                                ApiProblem.conflict(
                                    "Order "
                                        + order.getId()
                                        + " is refunded in full; it does not ship."));
                          }
                          Set<String> shipped =
                              new LinkedHashSet<>(
                                  order.getShipmentsList().stream()
                                      .map(Shipment::getSellerId)
                                      .toList());
                          List<String> parts =
                              caller.isAdmin()
                                  ? sellers(order).stream()
                                      .filter(s -> !shipped.contains(s))
                                      .toList()
                                  : List.of(seller);
                          if (!caller.isAdmin() && shipped.contains(seller)) {
                            return Future.failedFuture(
                                ApiProblem.conflict(
                                    "Your part of order "
                                        + order.getId()
                                        + " has shipped already."));
                          }
                          UUID id = UUID.fromString(order.getId());
                          Future<Void> chain = Future.succeededFuture();
                          for (String part : parts) {
                            chain =
                                chain.compose(
                                    v ->
                                        orders
                                            .ship(
                                                tx,
                                                order,
                                                part,
                                                request.getCarrier().strip(),
                                                request.getTrackingNumber().strip())
                                            .mapEmpty());
                          }
                          shipped.addAll(parts);
                          boolean all = shipped.containsAll(sellers(order));
                          return chain
                              .compose(
                                  v ->
                                      status == OrderStatus.PAID
                                          ? orders.transition(
                                              tx,
                                              order,
                                              OrderStatus.PROCESSING,
                                              null,
                                              actor,
                                              "fulfilment started")
                                          : Future.succeededFuture(order))
                              .compose(
                                  now ->
                                      all
                                          ? orders.transition(
                                              tx, now, OrderStatus.SHIPPED, null, actor, null)
                                          : Future.succeededFuture(now))
                              .compose(now -> orders.lock(tx, id))
                              .compose(
                                  now ->
                                      audited(
                                          tx,
                                          caller,
                                          "order.shipped",
                                          order,
                                          now.orElseThrow(),
                                          new JsonObject()
                                              .put("carrier", request.getCarrier().strip())
                                              .put(
                                                  "trackingNumber",
                                                  request.getTrackingNumber().strip())
                                              .put("sellers", new JsonArray(parts))));
                        }));
  }

  public Future<Order> deliver(CallContext caller, OrderRef ref) {
    caller.requireRole("admin");
    return orders
        .pool()
        .withTransaction(
            tx ->
                still(tx, ref.getId(), o -> true)
                    .compose(
                        order ->
                            orders
                                .transition(
                                    tx, order, OrderStatus.DELIVERED, null, actor(caller), null)
                                .compose(
                                    now ->
                                        audited(tx, caller, "order.delivered", order, now, null))));
  }

  /**
   * The customer or an admin cancels before shipment. A waiting order is cancelled as an unpaid one
   * is; a paid one is refunded in full, its stock goes back on sale, and it becomes {@code
   * cancelled}. A move of the order ({@link OrderMoves}).
   */
  public Future<Order> cancel(CallContext caller, OrderRef ref) {
    UUID me = caller.requireRole("customer", "admin");
    UUID id = Ids.parse(ref.getId());
    if (id == null) {
      return Future.failedFuture(ApiProblem.notFound("No order " + ref.getId() + "."));
    }
    JsonObject args = by(caller).put("reason", caller.isAdmin() ? "by_admin" : "by_customer");
    return moves
        .submit(
            id,
            Kind.CANCEL_ORDER,
            args,
            caller.requestId(),
            tx ->
                locked(
                        tx,
                        ref.getId(),
                        o -> caller.isAdmin() || o.getCustomerId().equals(me.toString()))
                    .mapEmpty())
        .map(Optional::orElseThrow);
  }

  private Future<Optional<Order>> cancel(Step step) {
    CallContext caller = caller(step);
    String reason = step.args().getString("reason");
    CallContext self = CallContext.service(step.requestId(), Actor.SERVICE);
    return orders
        .find(step.orderId())
        .map(Optional::orElseThrow)
        .compose(
            order -> {
              OrderStatus status = OrderStatus.of(order.getStatus());
              if (status == OrderStatus.PENDING_PAYMENT) {
                return payments
                    .cancel(
                        step,
                        PaymentStatus.CANCELLED,
                        reason,
                        true,
                        actor(caller),
                        (tx, before, after) ->
                            audited(tx, caller, "order.cancelled", before, after, null))
                    .map(
                        o -> {
                          if (!o.orElseThrow().getStatus().equals(OrderStatus.CANCELLED.wire())) {
                            throw ApiProblem.conflict(
                                "Order "
                                    + order.getId()
                                    + " was paid just now; cancel it again to have it refunded.");
                          }
                          return o;
                        });
              }
              if (status != OrderStatus.PAID && status != OrderStatus.PROCESSING) {
                return step.refuse(
                    ApiProblem.conflict(
                        "Order "
                            + order.getId()
                            + " is "
                            + status.wire()
                            + "; only an order not yet shipped can be cancelled."));
              }
              long left = order.getTotal() - order.getRefunded();
              Future<RefundReceipt> refunded =
                  left == 0
                      ? Future.succeededFuture()
                      : refund(
                          order,
                          left,
                          "requested_by_customer",
                          "cancel-" + order.getId() + "-" + left,
                          self);
              return refunded
                  .compose(
                      receipt ->
                          returnUnshipped(order, self)
                              .compose(
                                  restocked ->
                                      step.commit(
                                          tx ->
                                              unchanged(tx, order)
                                                  .compose(
                                                      o ->
                                                          receipt == null
                                                              ? Future.succeededFuture(o)
                                                              : orders
                                                                  .addRefund(
                                                                      tx,
                                                                      o,
                                                                      receipt.getRefundId(),
                                                                      receipt.getAmount())
                                                                  .map(o))
                                                  .compose(
                                                      o ->
                                                          orders.transition(
                                                              tx,
                                                              o,
                                                              OrderStatus.CANCELLED,
                                                              PaymentStatus.REFUNDED,
                                                              actor(caller),
                                                              reason))
                                                  .compose(
                                                      now ->
                                                          audited(
                                                              tx,
                                                              caller,
                                                              "order.cancelled",
                                                              order,
                                                              now,
                                                              new JsonObject()
                                                                  .put("restocked", restocked))))))
                  .map(Optional::of);
            });
  }

  /**
   * An admin refunds part or all of what is left of a paid order through Stripe, once per
   * Idempotency-Key. A full refund ends the order: {@code cancelled} (stock back on sale) before
   * shipment, {@code refunded} after delivery. A move of the order ({@link OrderMoves}).
   */
  public Future<Order> refund(CallContext caller, RefundOrderRequest request) {
    UUID me = caller.requireRole("admin");
    List<FieldError> errors = new ArrayList<>();
    if (request.getIdempotencyKey().isBlank() || request.getIdempotencyKey().length() > 255) {
      errors.add(new FieldError("Idempotency-Key", "header is required, at most 255 characters"));
    }
    if (request.getAmount() < 0) {
      errors.add(
          new FieldError(
              "amount",
              "must be a positive amount in minor units, or left out for all that is left"));
    }
    if (request.getReason().isBlank() || request.getReason().length() > 500) {
      errors.add(new FieldError("reason", "is required, at most 500 characters"));
    }
    if (!errors.isEmpty()) {
      return Future.failedFuture(ApiProblem.invalid(errors));
    }
    UUID id = Ids.parse(request.getOrderId());
    if (id == null) {
      return Future.failedFuture(ApiProblem.notFound("No order " + request.getOrderId() + "."));
    }
    IdempotencyKeys.Key key = new IdempotencyKeys.Key(me, REFUND, request.getIdempotencyKey());
    byte[] fingerprint =
        IdempotencyKeys.fingerprint(
            request.toBuilder().clearIdempotencyKey().build().toByteArray());
    JsonObject args =
        by(caller)
            .put("amount", request.getAmount())
            .put("reason", request.getReason())
            .put("idempotencyKey", request.getIdempotencyKey());
    return keys.claim(key, fingerprint)
        .compose(
            claim -> {
              if (claim instanceof Finished finished) {
                try {
                  return Future.succeededFuture(Order.parseFrom(finished.response()));
                } catch (InvalidProtocolBufferException e) {
                  return Future.failedFuture(e);
                }
              }
              return moves
                  .submit(
                      id,
                      Kind.REFUND,
                      args,
                      caller.requestId(),
                      tx -> locked(tx, request.getOrderId(), o -> true).mapEmpty())
                  .map(Optional::orElseThrow)
                  .compose(order -> keys.finish(key, order.toByteArray()).map(order))
                  .recover(e -> keys.release(key).transform(ar -> Future.failedFuture(e)));
            });
  }

  private Future<Optional<Order>> refund(Step step) {
    CallContext caller = caller(step);
    CallContext self = CallContext.service(step.requestId(), Actor.SERVICE);
    long requested = step.args().getLong("amount");
    String reason = step.args().getString("reason");
    return orders
        .find(step.orderId())
        .map(Optional::orElseThrow)
        .compose(
            order -> {
              OrderStatus status = OrderStatus.of(order.getStatus());
              if (status == OrderStatus.PENDING_PAYMENT
                  || status == OrderStatus.CANCELLED
                  || status == OrderStatus.REFUNDED) {
                return step.refuse(
                    ApiProblem.conflict(
                        "Order "
                            + order.getId()
                            + " is "
                            + status.wire()
                            + "; there is no payment to refund."));
              }
              long left = order.getTotal() - order.getRefunded();
              long amount = requested == 0 ? left : requested;
              if (left == 0 && status == OrderStatus.SHIPPED) {
                return step.refuse(
                    ApiProblem.conflict(
                        "Order " + order.getId() + " is refunded in full already."));
              }
              if (amount > left) {
                return step.refuse(
                    ApiProblem.invalid("amount", "is more than is left to refund (" + left + ")"));
              }
              String stripeReason = STRIPE_REASONS.contains(reason) ? reason : "";
              JsonObject details = new JsonObject().put("reason", reason);
              boolean full = amount == left;
              // refunded in full already (a refund made at Stripe, or one whose order change did
              // not commit): only the move is left
              Future<RefundReceipt> refunded =
                  left == 0
                      ? Future.succeededFuture()
                      : refund(
                          order,
                          amount,
                          stripeReason,
                          "admin-"
                              + caller.userId()
                              + "-"
                              + step.args().getString("idempotencyKey"),
                          self);
              boolean restock =
                  full && status != OrderStatus.DELIVERED && status != OrderStatus.SHIPPED;
              return refunded
                  .compose(
                      receipt ->
                          (restock
                                  ? returnUnshipped(order, self)
                                  : Future.succeededFuture(new JsonArray()))
                              .compose(
                                  restocked ->
                                      step.commit(
                                          tx ->
                                              unchanged(tx, order)
                                                  .compose(
                                                      o ->
                                                          receipt == null
                                                              ? Future.succeededFuture(o)
                                                              : orders
                                                                  .addRefund(
                                                                      tx,
                                                                      o,
                                                                      receipt.getRefundId(),
                                                                      receipt.getAmount())
                                                                  .map(o))
                                                  .compose(
                                                      o -> {
                                                        UUID id = step.orderId();
                                                        if (!full
                                                            || status == OrderStatus.SHIPPED) {
                                                          return orders
                                                              .lock(tx, id)
                                                              .map(Optional::orElseThrow);
                                                        }
                                                        if (status == OrderStatus.DELIVERED) {
                                                          return orders.transition(
                                                              tx,
                                                              o,
                                                              OrderStatus.REFUNDED,
                                                              PaymentStatus.REFUNDED,
                                                              actor(caller),
                                                              reason);
                                                        }
                                                        details.put("restocked", restocked);
                                                        return orders.transition(
                                                            tx,
                                                            o,
                                                            OrderStatus.CANCELLED,
                                                            PaymentStatus.REFUNDED,
                                                            actor(caller),
                                                            reason);
                                                      })
                                                  // a retry after a lost answer refunds nothing new
                                                  // and moves nothing: there is no new act to log
                                                  .compose(
                                                      now ->
                                                          now.getRefunded() == order.getRefunded()
                                                                  && now.getStatus()
                                                                      .equals(order.getStatus())
                                                              ? Future.succeededFuture(now)
                                                              : audited(
                                                                  tx,
                                                                  caller,
                                                                  "order.refunded",
                                                                  order,
                                                                  now,
                                                                  details.put(
                                                                      "amount",
                                                                      now.getRefunded()
                                                                          - order
                                                                              .getRefunded()))))))
                  .map(Optional::of);
            });
  }

  /** Who asked for a move, kept with its step. */
  private static JsonObject by(CallContext caller) {
    return new JsonObject()
        .put("userId", caller.userId())
        .put("role", caller.role())
        .put("clientAddress", caller.clientAddress());
  }

  /** Who asked for the move, as the audit log records them. */
  private static CallContext caller(Step step) {
    return new CallContext(
        step.requestId(),
        step.args().getString("userId"),
        step.args().getString("role"),
        step.args().getString("clientAddress"));
  }

  /**
   * The order, locked, in the status the move found it in; the moves of an order run one at a time
   * and the others refuse while one is asked for, so anything else is a bug, and the move runs
   * again to decide afresh.
   */
  private Future<Order> unchanged(SqlConnection tx, Order seen) {
    return orders
        .lock(tx, UUID.fromString(seen.getId()))
        .map(
            found -> {
              Order order = found.orElseThrow();
              if (!order.getStatus().equals(seen.getStatus())) {
                throw new IllegalStateException(
                    "order "
                        + seen.getId()
                        + " became "
                        + order.getStatus()
                        + " while a move of it ran");
              }
              return order;
            });
  }

  /**
   * Records the act in the audit log: the order's status and refunded total before and after, plus
   * what the act adds.
   */
  private Future<Order> audited(
      SqlConnection tx,
      CallContext caller,
      String action,
      Order before,
      Order after,
      JsonObject details) {
    JsonObject was =
        new JsonObject().put("status", before.getStatus()).put("refunded", before.getRefunded());
    JsonObject now =
        new JsonObject().put("status", after.getStatus()).put("refunded", after.getRefunded());
    if (details != null) {
      now.mergeIn(details);
    }
    return audit.record(tx, caller, action, "order", before.getId(), was, now).map(after);
  }

  /**
   * Puts back on sale what has not left the sellers: the lines of sellers who have not shipped
   * their part; their skus.
   */
  private Future<JsonArray> returnUnshipped(Order order, CallContext self) {
    Set<String> shipped =
        new LinkedHashSet<>(order.getShipmentsList().stream().map(Shipment::getSellerId).toList());
    List<String> skus =
        order.getItemsList().stream()
            .filter(i -> !shipped.contains(i.getSellerId()))
            .map(OrderItem::getSku)
            .toList();
    if (skus.isEmpty()) {
      return Future.succeededFuture(new JsonArray());
    }
    return catalog
        .call(
            CatalogGrpcClient.ReturnStock,
            ReservationRef.newBuilder().setOrderId(order.getId()).addAllSkus(skus).build(),
            self)
        .map(new JsonArray(skus));
  }

  private Future<RefundReceipt> refund(
      Order order, long amount, String reason, String idempotencyKey, CallContext self) {
    RefundRequest refund =
        RefundRequest.newBuilder()
            .setOrderId(order.getId())
            .setPaymentIntentId(order.getPaymentIntentId())
            .setAmount(amount)
            .setReason(reason)
            .setIdempotencyKey(idempotencyKey)
            .build();
    return payment.call(PaymentGrpcClient.RefundPayment, refund, self);
  }

  private static void text(List<FieldError> errors, String field, String value) {
    if (value.isBlank() || value.length() > 100) {
      errors.add(new FieldError(field, "is required, at most 100 characters"));
    }
  }
}
