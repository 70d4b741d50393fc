package io.emporium.edge.http;

import io.emporium.common.Cursor;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.proto.ordering.v1.Address;
import io.emporium.proto.ordering.v1.ListAllOrdersRequest;
import io.emporium.proto.ordering.v1.ListOrdersRequest;
import io.emporium.proto.ordering.v1.OrderPage;
import io.emporium.proto.ordering.v1.RefundOrderRequest;
import io.emporium.proto.ordering.v1.ShipOrderRequest;
import io.emporium.proto.ordering.v1.Order;
import io.emporium.proto.ordering.v1.OrderRef;
import io.emporium.proto.ordering.v1.OrderingGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * {@code /orders}: a customer's orders, and one order for its customer, a seller of its items (their share), or an admin;
 * the ordering service decides what each caller is shown.
 */
public final class OrderRoutes {
  private final GrpcCalls ordering;

  public OrderRoutes(GrpcCalls ordering) {
    this.ordering = ordering;
  }

  public void mount(Router api) {
    api.get("/orders").handler(Endpoint.of(this::list));
    api.get("/seller/orders").handler(Endpoint.of(ctx -> page(ctx, Set.of("limit", "cursor"), (limit, cursor) -> ordering.call(
        OrderingGrpcClient.ListSellerOrders, ListOrdersRequest.newBuilder().setLimit(limit).setCursor(cursor).build(), Authn.callContext(ctx)))));
    api.get("/admin/orders").handler(Endpoint.of(ctx -> page(ctx, Set.of("limit", "cursor", "status"), (limit, cursor) -> ordering.call(
        OrderingGrpcClient.ListAllOrders, ListAllOrdersRequest.newBuilder().setLimit(limit).setCursor(cursor)
            .setStatus(ctx.request().getParam("status") == null ? "" : ctx.request().getParam("status")).build(), Authn.callContext(ctx)))));
    api.post("/seller/orders/:id/ship").handler(Endpoint.of(this::ship));
    api.post("/orders/:id/deliver").handler(Endpoint.of(ctx -> ordering.call(OrderingGrpcClient.DeliverOrder,
        OrderRef.newBuilder().setId(ctx.pathParam("id")).build(), Authn.callContext(ctx)).map(o -> Reply.ok(json(o)))));
    api.post("/orders/:id/cancel").handler(Endpoint.of(ctx -> ordering.call(OrderingGrpcClient.CancelOrder,
        OrderRef.newBuilder().setId(ctx.pathParam("id")).build(), Authn.callContext(ctx)).map(o -> Reply.ok(json(o)))));
    api.post("/orders/:id/refund").handler(Endpoint.of(this::refund));
    api.get("/orders/:id").handler(Endpoint.of(ctx -> ordering.call(OrderingGrpcClient.GetOrder,
        OrderRef.newBuilder().setId(ctx.pathParam("id")).build(), Authn.callContext(ctx)).map(o -> Reply.ok(json(o)))));
  }

  Future<Reply> list(RoutingContext ctx) {
    return page(ctx, Set.of("limit", "cursor"), (limit, cursor) -> ordering.call(OrderingGrpcClient.ListOrders,
        ListOrdersRequest.newBuilder().setLimit(limit).setCursor(cursor).build(), Authn.callContext(ctx)));
  }

  /** A page of orders: {@code limit} and {@code cursor} checked here, the rest by the ordering service. */
  private static Future<Reply> page(RoutingContext ctx, Set<String> allowed,
                                    java.util.function.BiFunction<Integer, String, Future<OrderPage>> call) {
    Authn.caller(ctx);
    var params = Paging.params(ctx, allowed);
    Cursor cursor = Paging.cursor(params);
    return call.apply(Paging.limit(params), cursor == null ? "" : cursor.encode()).map(page -> {
      JsonArray items = new JsonArray();
      page.getOrdersList().forEach(o -> items.add(json(o)));
      return Reply.ok(new JsonObject().put("items", items).put("nextCursor", page.getNextCursor().isEmpty() ? null : page.getNextCursor()));
    });
  }

  Future<Reply> ship(RoutingContext ctx) {
    Authn.requireRole(ctx, "seller", "admin");
    Fields f = new Fields(JsonBodies.object(ctx));
    String carrier = f.required("carrier", 100);
    String tracking = f.required("trackingNumber", 100);
    f.throwIfInvalid();
    return ordering.call(OrderingGrpcClient.ShipOrder, ShipOrderRequest.newBuilder().setOrderId(ctx.pathParam("id")).setCarrier(carrier)
        .setTrackingNumber(tracking).build(), Authn.callContext(ctx)).map(o -> Reply.ok(json(o)));
  }

  /** {@code {amount?, reason}} with an {@code Idempotency-Key}: a full or partial refund through Stripe. */
  Future<Reply> refund(RoutingContext ctx) {
    Authn.requireRole(ctx, "admin");
    String key = CheckoutRoutes.idempotencyKey(ctx);
    Fields f = new Fields(JsonBodies.object(ctx));
    Long amount = f.wholeNumber("amount", 1, Long.MAX_VALUE);
    String reason = f.required("reason", 500);
    f.throwIfInvalid();
    RefundOrderRequest request = RefundOrderRequest.newBuilder().setOrderId(ctx.pathParam("id")).setAmount(amount == null ? 0 : amount)
        .setReason(reason).setIdempotencyKey(key).build();
    return ordering.call(OrderingGrpcClient.RefundOrder, request, Authn.callContext(ctx)).map(o -> Reply.ok(json(o)));
  }

  static JsonObject json(Order o) {
    JsonArray items = new JsonArray();
    o.getItemsList().forEach(i -> items.add(new JsonObject().put("productId", i.getProductId()).put("sku", i.getSku())
        .put("name", i.getName()).put("sellerId", i.getSellerId().isEmpty() ? null : i.getSellerId())
        .put("unitPrice", i.getUnitPrice()).put("quantity", i.getQuantity()).put("lineTotal", i.getLineTotal())));
    JsonArray history = new JsonArray();
    o.getStatusHistoryList().forEach(h -> {
      JsonObject move = new JsonObject().put("status", h.getStatus()).put("at", h.getAt())
          .put("reason", h.getReason().isEmpty() ? null : h.getReason()).put("actor", h.getActorRole());
      // the ordering service names the mover to admins only
      if (!h.getActor().isEmpty()) {
        move.put("actorId", h.getActor());
      }
      history.add(move);
    });
    JsonArray shipments = new JsonArray();
    o.getShipmentsList().forEach(s -> shipments.add(new JsonObject().put("sellerId", s.getSellerId()).put("carrier", s.getCarrier())
        .put("trackingNumber", s.getTrackingNumber()).put("shippedAt", s.getShippedAt())));
    return new JsonObject()
        .put("id", o.getId())
        .put("status", o.getStatus())
        .put("items", items)
        .put("subtotal", o.getSubtotal())
        .put("discount", o.getDiscount())
        .put("shipping", o.getShipping())
        .put("tax", o.getTax())
        .put("total", o.getTotal())
        .put("currency", o.getCurrency())
        .put("discountCode", o.getDiscountCode().isEmpty() ? null : o.getDiscountCode())
        .put("shippingAddress", address(o.getShippingAddress()))
        .put("payment", new JsonObject().put("status", o.getPaymentStatus())
            .put("checkoutSessionId", o.getCheckoutSessionId().isEmpty() ? null : o.getCheckoutSessionId())
            .put("refunded", o.getRefunded()))
        .put("shipments", shipments)
        .put("statusHistory", history)
        .put("createdAt", o.getCreatedAt());
  }

  private static JsonObject address(Address a) {
    return new JsonObject().put("name", a.getName()).put("line1", a.getLine1()).put("line2", blank(a.getLine2())).put("city", a.getCity())
        .put("region", blank(a.getRegion())).put("postalCode", a.getPostalCode()).put("country", a.getCountry()).put("phone", blank(a.getPhone()));
  }

  private static String blank(String s) {
    return s.isEmpty() ? null : s;
  }
}
