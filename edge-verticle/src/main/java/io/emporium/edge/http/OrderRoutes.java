package io.emporium.edge.http;

import io.emporium.common.Cursor;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.proto.ordering.v1.Address;
import io.emporium.proto.ordering.v1.ListOrdersRequest;
import io.emporium.proto.ordering.v1.Order;
import io.emporium.proto.ordering.v1.OrderRef;
import io.emporium.proto.ordering.v1.OrderingGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** {@code /orders}: a customer's orders, and one order for its customer, a seller of its items, or an admin. */
public final class OrderRoutes {
  private final GrpcCalls ordering;

  public OrderRoutes(GrpcCalls ordering) {
    this.ordering = ordering;
  }

  public void mount(Router api) {
    api.get("/orders").handler(Endpoint.of(this::list));
    api.get("/orders/:id").handler(Endpoint.of(ctx -> ordering.call(OrderingGrpcClient.GetOrder,
        OrderRef.newBuilder().setId(ctx.pathParam("id")).build(), Authn.callContext(ctx)).map(o -> Reply.ok(json(o)))));
  }

  Future<Reply> list(RoutingContext ctx) {
    Authn.requireRole(ctx, "customer");
    var params = Paging.params(ctx, Set.of("limit", "cursor"));
    Cursor cursor = Paging.cursor(params);
    ListOrdersRequest request = ListOrdersRequest.newBuilder().setLimit(Paging.limit(params))
        .setCursor(cursor == null ? "" : cursor.encode()).build();
    return ordering.call(OrderingGrpcClient.ListOrders, request, Authn.callContext(ctx)).map(page -> {
      JsonArray items = new JsonArray();
      page.getOrdersList().forEach(o -> items.add(json(o)));
      return Reply.ok(new JsonObject().put("items", items).put("nextCursor", page.getNextCursor().isEmpty() ? null : page.getNextCursor()));
    });
  }

  static JsonObject json(Order o) {
    JsonArray items = new JsonArray();
    o.getItemsList().forEach(i -> items.add(new JsonObject().put("productId", i.getProductId()).put("sku", i.getSku())
        .put("name", i.getName()).put("sellerId", i.getSellerId().isEmpty() ? null : i.getSellerId())
        .put("unitPrice", i.getUnitPrice()).put("quantity", i.getQuantity()).put("lineTotal", i.getLineTotal())));
    JsonArray history = new JsonArray();
    o.getStatusHistoryList().forEach(h -> history.add(new JsonObject().put("status", h.getStatus()).put("at", h.getAt())
        .put("reason", h.getReason().isEmpty() ? null : h.getReason())));
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
            .put("checkoutSessionId", o.getCheckoutSessionId().isEmpty() ? null : o.getCheckoutSessionId()))
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
