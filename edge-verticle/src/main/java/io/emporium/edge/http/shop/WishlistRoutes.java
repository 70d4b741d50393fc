package io.emporium.edge.http.shop;

import io.emporium.common.grpc.GrpcCalls;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Fields;
import io.emporium.edge.http.JsonBodies;
import io.emporium.edge.http.Reply;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.ListWishlistRequest;
import io.emporium.proto.catalog.v1.Wishlist;
import io.emporium.proto.catalog.v1.WishlistChange;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code /wishlist}: a customer's saved products, kept by the catalog. */
public final class WishlistRoutes {
  private final GrpcCalls catalog;

  public WishlistRoutes(GrpcCalls catalog) {
    this.catalog = catalog;
  }

  public void mount(Router api) {
    api.get("/wishlist").handler(Endpoint.of(this::list));
    api.post("/wishlist").handler(Endpoint.of(this::add));
    api.delete("/wishlist/:productId").handler(Endpoint.of(this::remove));
  }

  Future<Reply> list(RoutingContext ctx) {
    Authn.caller(ctx);
    return catalog
        .call(
            CatalogGrpcClient.ListWishlist,
            ListWishlistRequest.getDefaultInstance(),
            Authn.callContext(ctx))
        .map(w -> Reply.ok(json(w)));
  }

  /** Adds a product (a repeat is fine) and answers the whole list. */
  Future<Reply> add(RoutingContext ctx) {
    Authn.caller(ctx);
    Fields f = new Fields(JsonBodies.object(ctx));
    String productId = f.required("productId", 64);
    f.throwIfInvalid();
    return catalog
        .call(
            CatalogGrpcClient.AddToWishlist,
            WishlistChange.newBuilder().setProductId(productId).build(),
            Authn.callContext(ctx))
        .map(w -> Reply.ok(json(w)));
  }

  Future<Reply> remove(RoutingContext ctx) {
    Authn.caller(ctx);
    return catalog
        .call(
            CatalogGrpcClient.RemoveFromWishlist,
            WishlistChange.newBuilder().setProductId(ctx.pathParam("productId")).build(),
            Authn.callContext(ctx))
        .map(w -> Reply.noContent());
  }

  private static JsonObject json(Wishlist w) {
    JsonArray items = new JsonArray();
    w.getItemsList()
        .forEach(
            i ->
                items.add(
                    new JsonObject()
                        .put("productId", i.getProduct().getId())
                        .put("slug", i.getProduct().getSlug())
                        .put("name", i.getProduct().getName())
                        .put("price", i.getProduct().getPrice())
                        .put("currency", i.getProduct().getCurrency())
                        .put("addedAt", i.getAddedAt())));
    return new JsonObject().put("items", items).putNull("nextCursor");
  }
}
