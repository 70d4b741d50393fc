package io.emporium.ordering.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emporium.common.Cursor;
import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.ordering.domain.Actor;
import io.emporium.ordering.domain.OrderStatus;
import io.emporium.ordering.domain.OrderViews;
import io.emporium.ordering.domain.PaymentStatus;
import io.emporium.ordering.saga.CheckoutSaga;
import io.emporium.ordering.saga.OrderLifecycle;
import io.emporium.ordering.saga.OrderPayments;
import io.emporium.ordering.store.IdempotencyKeys;
import io.emporium.ordering.store.IdempotencyKeys.Finished;
import io.emporium.ordering.store.OrderStore;
import io.emporium.proto.ordering.v1.ConfirmCheckoutRequest;
import io.emporium.proto.ordering.v1.ListOrdersRequest;
import io.emporium.proto.ordering.v1.Order;
import io.emporium.proto.ordering.v1.OrderPage;
import io.emporium.proto.ordering.v1.OrderPaymentIntent;
import io.emporium.proto.ordering.v1.OrderPaymentIntentRequest;
import io.emporium.proto.ordering.v1.OrderingGrpcService;
import io.emporium.proto.payment.v1.CheckoutSessionRef;
import io.emporium.proto.payment.v1.PaymentGrpcClient;
import io.emporium.proto.payment.v1.PaymentIntentRequest;
import io.vertx.core.Future;
import java.util.UUID;

/** Checkout and orders of {@code emporium.ordering.v1.Ordering}. */
public final class OrderRpcs {
  private static final int MAX_PAGE = 100;
  private static final String PAYMENT_INTENT = "payment-intent";
  private final CheckoutSaga checkout;
  private final OrderLifecycle lifecycle;
  private final OrderStore orders;
  private final OrderPayments payments;
  private final IdempotencyKeys keys;
  private final GrpcCalls payment;

  public OrderRpcs(
      CheckoutSaga checkout,
      OrderLifecycle lifecycle,
      OrderStore orders,
      OrderPayments payments,
      IdempotencyKeys keys,
      GrpcCalls payment) {
    this.checkout = checkout;
    this.lifecycle = lifecycle;
    this.orders = orders;
    this.payments = payments;
    this.keys = keys;
    this.payment = payment;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(OrderingGrpcService.Checkout, checkout::start);
    endpoints.unary(
        OrderingGrpcService.ConfirmCheckout,
        (caller, r) -> confirm(caller, r).map(o -> shown(caller, o)));
    endpoints.unary(
        OrderingGrpcService.ListOrders, (caller, r) -> list(caller, r).map(p -> shown(caller, p)));
    endpoints.unary(
        OrderingGrpcService.GetOrder,
        (caller, ref) ->
            ref.getOrderToken().isEmpty()
                ? visible(caller, ref.getId())
                : byToken(ref.getId(), ref.getOrderToken()));
    endpoints.unary(OrderingGrpcService.CreatePaymentIntent, this::createPaymentIntent);
    endpoints.unary(
        OrderingGrpcService.ListSellerOrders,
        (caller, r) -> {
          UUID seller = caller.requireRole("seller");
          return paging(r.getLimit(), r.getCursor())
              .compose(p -> orders.sellerPage(seller, p.after(), p.limit()))
              .map(p -> shown(caller, p));
        });
    endpoints.unary(
        OrderingGrpcService.ListAllOrders,
        (caller, r) -> {
          caller.requireRole("admin");
          if (!r.getStatus().isEmpty()
              && java.util.Arrays.stream(OrderStatus.values())
                  .noneMatch(s -> s.wire().equals(r.getStatus()))) {
            return Future.failedFuture(
                ApiProblem.invalid(
                    "status",
                    "must be one of pending_payment, paid, processing, shipped, delivered, cancelled, refunded"));
          }
          return paging(r.getLimit(), r.getCursor())
              .compose(
                  p ->
                      orders.allPage(
                          r.getStatus().isEmpty() ? null : r.getStatus(), p.after(), p.limit()));
        });
    endpoints.unary(
        OrderingGrpcService.ShipOrder,
        (caller, r) -> lifecycle.ship(caller, r).map(o -> shown(caller, o)));
    endpoints.unary(
        OrderingGrpcService.DeliverOrder,
        (caller, r) -> lifecycle.deliver(caller, r).map(o -> shown(caller, o)));
    endpoints.unary(
        OrderingGrpcService.CancelOrder,
        (caller, r) -> lifecycle.cancel(caller, r).map(o -> shown(caller, o)));
    endpoints.unary(
        OrderingGrpcService.RefundOrder,
        (caller, r) -> lifecycle.refund(caller, r).map(o -> shown(caller, o)));
  }

  /** The order when the caller may see it, as they may see it (OrderViews); 404 for anyone else. */
  private Future<Order> visible(CallContext caller, String rawId) {
    UUID me = caller.requireRole("customer", "seller", "admin");
    UUID id = Ids.parse(rawId);
    ApiProblem missing = ApiProblem.notFound("No order " + rawId + ".");
    if (id == null) {
      return Future.failedFuture(missing);
    }
    return orders
        .find(id)
        .map(
            found ->
                found
                    .flatMap(o -> OrderViews.forCaller(o, me.toString(), caller.role()))
                    .orElseThrow(() -> missing));
  }

  /**
   * A guest order read with its order token, as its buyer sees it, whoever calls; 404 for a wrong
   * token as for a missing order, so a token never tells whether an order exists.
   */
  private Future<Order> byToken(String rawId, String token) {
    UUID id = Ids.parse(rawId);
    ApiProblem missing = ApiProblem.notFound("No order " + rawId + ".");
    if (id == null) {
      return Future.failedFuture(missing);
    }
    return orders
        .findByToken(id, token)
        .map(found -> found.map(OrderViews::forBuyer).orElseThrow(() -> missing));
  }

  /** An order the caller has acted on, as they may see it. */
  private static Order shown(CallContext caller, Order order) {
    return OrderViews.forCaller(order, caller.userId(), caller.role())
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "order " + order.getId() + " answered to a caller who may not see it"));
  }

  private static OrderPage shown(CallContext caller, OrderPage page) {
    return page.toBuilder()
        .clearOrders()
        .addAllOrders(page.getOrdersList().stream().map(o -> shown(caller, o)).toList())
        .build();
  }

  /** The customer's own order; 404 for anyone else's. */
  private Future<Order> own(CallContext caller, UUID id, String rawId) {
    UUID me = caller.requireRole("customer");
    return (id == null
            ? Future.<java.util.Optional<Order>>succeededFuture(java.util.Optional.empty())
            : orders.find(id))
        .map(
            found ->
                found
                    .filter(o -> o.getCustomerId().equals(me.toString()))
                    .orElseThrow(() -> ApiProblem.notFound("No order " + rawId + ".")));
  }

  /**
   * Asks the provider about the order's checkout (by its Stripe session, or by the order) and
   * applies what it says, as the late webhook would; a PayPal order the buyer approved is captured.
   */
  Future<Order> confirm(CallContext caller, ConfirmCheckoutRequest request) {
    caller.requireRole("customer");
    String sessionId = request.getSessionId();
    String orderId = request.getOrderId();
    if (sessionId.isBlank() == orderId.isBlank()) {
      return Future.failedFuture(
          ApiProblem.invalid(
              sessionId.isBlank() ? "sessionId" : "orderId",
              "give either sessionId (a Stripe session) or orderId"));
    }
    CallContext self = CallContext.service(caller.requestId(), Actor.SERVICE);
    Future<Order> found =
        !sessionId.isBlank()
            ? orders
                .bySession(sessionId)
                .compose(id -> own(caller, id.orElse(null), "for session " + sessionId))
            : own(caller, Ids.parse(orderId), orderId);
    return found.compose(
        order -> {
          if (order.getCheckoutSessionId().isEmpty()) {
            // its checkout is still being opened, or never was: nothing to ask a provider yet
            return own(caller, UUID.fromString(order.getId()), order.getId());
          }
          return payment
              .call(
                  PaymentGrpcClient.SyncCheckoutSession,
                  CheckoutSessionRef.newBuilder()
                      .setSessionId(order.getCheckoutSessionId())
                      .build(),
                  self)
              .compose(
                  outcome -> {
                    UUID id = UUID.fromString(order.getId());
                    return switch (outcome.getStatus()) {
                      case "paid" ->
                          payments.paid(
                              id,
                              outcome.getPaymentIntentId(),
                              outcome.getSessionId(),
                              caller.requestId());
                      case "expired" ->
                          payments.cancel(
                              id, PaymentStatus.EXPIRED, "expired", false, caller.requestId());
                      // a declined PayPal capture, as its PaymentFailed event would
                      case "failed" ->
                          payments.cancel(
                              id, PaymentStatus.FAILED, "payment_failed", true, caller.requestId());
                      default -> Future.succeededFuture();
                    };
                  })
              .compose(v -> own(caller, UUID.fromString(order.getId()), order.getId()));
        });
  }

  Future<OrderPage> list(CallContext caller, ListOrdersRequest request) {
    UUID me = caller.requireRole("customer");
    return paging(request.getLimit(), request.getCursor())
        .compose(p -> orders.page(me, p.after(), p.limit()));
  }

  private record Paging(int limit, Cursor after) {}

  private static Future<Paging> paging(int requested, String cursor) {
    int limit = requested == 0 ? 20 : requested;
    if (limit < 1 || limit > MAX_PAGE) {
      return Future.failedFuture(
          ApiProblem.invalid("limit", "must be an integer from 1 to " + MAX_PAGE));
    }
    Cursor after = null;
    if (!cursor.isEmpty()) {
      after = Cursor.decode(cursor).orElse(null);
      if (after == null) {
        return Future.failedFuture(ApiProblem.invalid("cursor", "is not a cursor this API issued"));
      }
    }
    return Future.succeededFuture(new Paging(limit, after));
  }

  /**
   * One PaymentIntent per order awaiting payment, for custom front ends; the Idempotency-Key works
   * as for checkout.
   */
  Future<OrderPaymentIntent> createPaymentIntent(
      CallContext caller, OrderPaymentIntentRequest request) {
    UUID me = caller.requireRole("customer");
    if (request.getIdempotencyKey().isBlank() || request.getIdempotencyKey().length() > 255) {
      return Future.failedFuture(
          ApiProblem.invalid("Idempotency-Key", "header is required, at most 255 characters"));
    }
    UUID orderId = Ids.parse(request.getOrderId());
    IdempotencyKeys.Key key =
        new IdempotencyKeys.Key(me, PAYMENT_INTENT, request.getIdempotencyKey());
    byte[] fingerprint =
        IdempotencyKeys.fingerprint(
            request.toBuilder().clearIdempotencyKey().build().toByteArray());
    return own(caller, orderId, request.getOrderId())
        .compose(
            order ->
                keys.claim(key, fingerprint)
                    .compose(
                        claim -> {
                          if (claim instanceof Finished finished) {
                            try {
                              return Future.succeededFuture(
                                  OrderPaymentIntent.parseFrom(finished.response()));
                            } catch (InvalidProtocolBufferException e) {
                              return Future.failedFuture(e);
                            }
                          }
                          // an order whose checkout has not finished (no session, so maybe no stock
                          // held) cannot be paid yet
                          if (order.getPaymentProvider().equals("paypal")) {
                            return keys.release(key)
                                .compose(
                                    v ->
                                        Future.failedFuture(
                                            ApiProblem.conflict(
                                                "Order "
                                                    + order.getId()
                                                    + " is paid through PayPal; PaymentIntents are"
                                                    + " for card payments.")));
                          }
                          if (!order.getStatus().equals(OrderStatus.PENDING_PAYMENT.wire())
                              || order.getCheckoutSessionId().isEmpty()) {
                            return keys.release(key)
                                .compose(
                                    v ->
                                        Future.failedFuture(
                                            ApiProblem.conflict(
                                                "Order "
                                                    + order.getId()
                                                    + " is "
                                                    + order.getStatus()
                                                    + "; only an order awaiting payment can be paid.")));
                          }
                          PaymentIntentRequest intent =
                              PaymentIntentRequest.newBuilder()
                                  .setOrderId(order.getId())
                                  .setCustomerId(me.toString())
                                  .setAmount(order.getTotal())
                                  .setCurrency(order.getCurrency())
                                  .build();
                          return payment
                              .call(
                                  PaymentGrpcClient.CreatePaymentIntent,
                                  intent,
                                  CallContext.service(caller.requestId(), "ordering"))
                              .recover(
                                  e -> keys.release(key).transform(ar -> Future.failedFuture(e)))
                              .compose(
                                  handle -> {
                                    OrderPaymentIntent answer =
                                        OrderPaymentIntent.newBuilder()
                                            .setPaymentIntentId(handle.getPaymentIntentId())
                                            .setClientSecret(handle.getClientSecret())
                                            .build();
                                    return keys.finish(key, answer.toByteArray()).map(answer);
                                  });
                        }));
  }
}
