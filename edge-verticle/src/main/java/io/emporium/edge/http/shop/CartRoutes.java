package io.emporium.edge.http.shop;

import io.emporium.common.grpc.GrpcCalls;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Fields;
import io.emporium.edge.http.JsonBodies;
import io.emporium.edge.http.Reply;
import io.emporium.proto.ordering.v1.AddCartItemRequest;
import io.emporium.proto.ordering.v1.ApplyDiscountRequest;
import io.emporium.proto.ordering.v1.Cart;
import io.emporium.proto.ordering.v1.ChangeCartItemRequest;
import io.emporium.proto.ordering.v1.GetCartRequest;
import io.emporium.proto.ordering.v1.MergeCartRequest;
import io.emporium.proto.ordering.v1.OrderingGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /cart}: a customer's cart, or a guest's addressed by the {@code X-Cart-Token} header that
 * their first add hands out. The ordering service owns carts and prices them from the catalog.
 */
public final class CartRoutes {
  static final String CART_TOKEN = "X-Cart-Token";
  private static final int LIMIT = 1_000_000;
  private final GrpcCalls ordering;

  public CartRoutes(GrpcCalls ordering) {
    this.ordering = ordering;
  }

  public void mount(Router api) {
    api.get("/cart").handler(Endpoint.of(this::read));
    api.delete("/cart").handler(Endpoint.of(this::clear));
    api.post("/cart/items").handler(Endpoint.of(this::add));
    api.patch("/cart/items/:itemId").handler(Endpoint.of(ctx -> change(ctx, null)));
    api.delete("/cart/items/:itemId").handler(Endpoint.of(ctx -> change(ctx, 0)));
    api.post("/cart/merge").handler(Endpoint.of(this::merge));
    api.post("/cart/discount").handler(Endpoint.of(this::applyDiscount));
    api.delete("/cart/discount")
        .handler(
            Endpoint.of(
                ctx ->
                    ordering
                        .call(
                            OrderingGrpcClient.RemoveDiscount,
                            GetCartRequest.newBuilder().setCartToken(token(ctx)).build(),
                            Authn.callContext(ctx))
                        .map(c -> Reply.ok(json(c)))));
  }

  private static String token(RoutingContext ctx) {
    String token = ctx.request().getHeader(CART_TOKEN);
    return token == null ? "" : token.strip();
  }

  Future<Reply> read(RoutingContext ctx) {
    return ordering
        .call(
            OrderingGrpcClient.GetCart,
            GetCartRequest.newBuilder().setCartToken(token(ctx)).build(),
            Authn.callContext(ctx))
        .map(c -> Reply.ok(json(c)));
  }

  Future<Reply> clear(RoutingContext ctx) {
    return ordering
        .call(
            OrderingGrpcClient.ClearCart,
            GetCartRequest.newBuilder().setCartToken(token(ctx)).build(),
            Authn.callContext(ctx))
        .map(c -> Reply.noContent());
  }

  /**
   * Adds a variant; a guest's first add answers with the token of their new cart in {@code
   * X-Cart-Token}.
   */
  Future<Reply> add(RoutingContext ctx) {
    Fields f = new Fields(JsonBodies.object(ctx));
    String productId = f.required("productId", 64);
    String sku = f.optional("sku", 64);
    Integer quantity = f.integer("quantity", -LIMIT, LIMIT);
    f.check("quantity", quantity != null || f.hasError("quantity"), "is required");
    f.throwIfInvalid();
    AddCartItemRequest request =
        AddCartItemRequest.newBuilder()
            .setCartToken(token(ctx))
            .setProductId(productId)
            .setSku(sku == null ? "" : sku)
            .setQuantity(quantity)
            .build();
    return ordering
        .call(OrderingGrpcClient.AddCartItem, request, Authn.callContext(ctx))
        .map(
            c -> {
              if (!c.getIssuedCartToken().isEmpty()) {
                ctx.response().putHeader(CART_TOKEN, c.getIssuedCartToken());
              }
              return Reply.ok(json(c));
            });
  }

  /** PATCH sets the quantity (0 removes); DELETE removes. */
  Future<Reply> change(RoutingContext ctx, Integer removal) {
    int quantity;
    if (removal != null) {
      quantity = removal;
    } else {
      Fields f = new Fields(JsonBodies.object(ctx));
      Integer asked = f.integer("quantity", -LIMIT, LIMIT);
      f.check("quantity", asked != null || f.hasError("quantity"), "is required");
      f.throwIfInvalid();
      quantity = asked;
    }
    ChangeCartItemRequest request =
        ChangeCartItemRequest.newBuilder()
            .setCartToken(token(ctx))
            .setItemId(ctx.pathParam("itemId"))
            .setQuantity(quantity)
            .build();
    return ordering
        .call(OrderingGrpcClient.ChangeCartItem, request, Authn.callContext(ctx))
        .map(c -> removal != null ? Reply.noContent() : Reply.ok(json(c)));
  }

  Future<Reply> applyDiscount(RoutingContext ctx) {
    Fields f = new Fields(JsonBodies.object(ctx));
    String code = f.required("code", 100);
    f.throwIfInvalid();
    return ordering
        .call(
            OrderingGrpcClient.ApplyDiscount,
            ApplyDiscountRequest.newBuilder().setCartToken(token(ctx)).setCode(code).build(),
            Authn.callContext(ctx))
        .map(c -> Reply.ok(json(c)));
  }

  Future<Reply> merge(RoutingContext ctx) {
    Authn.requireRole(ctx, "customer");
    Fields f = new Fields(JsonBodies.object(ctx));
    String cartToken = f.required("cartToken", 200);
    f.throwIfInvalid();
    return ordering
        .call(
            OrderingGrpcClient.MergeCart,
            MergeCartRequest.newBuilder().setCartToken(cartToken).build(),
            Authn.callContext(ctx))
        .map(c -> Reply.ok(json(c)));
  }

  static JsonObject json(Cart c) {
    JsonArray items = new JsonArray();
    c.getItemsList()
        .forEach(
            i ->
                items.add(
                    new JsonObject()
                        .put("id", i.getId())
                        .put("productId", i.getProductId())
                        .put("sku", i.getSku())
                        .put("name", i.getName())
                        .put("unitPrice", i.getUnitPrice())
                        .put("quantity", i.getQuantity())
                        .put("lineTotal", i.getLineTotal())
                        .put("available", i.getAvailable())));
    return new JsonObject()
        .put("id", c.getId().isEmpty() ? null : c.getId())
        .put("items", items)
        .put("subtotal", c.getSubtotal())
        .put("discount", c.getDiscount())
        .put("total", c.getTotal())
        .put("currency", c.getCurrency())
        .put("discountCode", c.getDiscountCode().isEmpty() ? null : c.getDiscountCode())
        .put("warnings", new JsonArray(c.getWarningsList()));
  }
}
