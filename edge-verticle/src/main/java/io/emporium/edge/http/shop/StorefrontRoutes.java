package io.emporium.edge.http.shop;

import io.emporium.common.Ids;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Reply;
import io.emporium.edge.identity.domain.User;
import io.emporium.edge.identity.store.UserStore;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.FollowRequest;
import io.emporium.proto.catalog.v1.GetStorefrontRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * {@code /sellers/{id}}: the storefront and following. Identity knows who is a seller; the catalog
 * keeps the follows and the products.
 */
public final class StorefrontRoutes {
  private final UserStore users;
  private final GrpcCalls catalog;

  public StorefrontRoutes(UserStore users, GrpcCalls catalog) {
    this.users = users;
    this.catalog = catalog;
  }

  public void mount(Router api) {
    api.get("/sellers/:id").handler(Endpoint.of(this::storefront));
    api.post("/sellers/:id/follow").handler(Endpoint.of(ctx -> follow(ctx, true)));
    api.delete("/sellers/:id/follow").handler(Endpoint.of(ctx -> follow(ctx, false)));
  }

  Future<Reply> storefront(RoutingContext ctx) {
    return seller(ctx)
        .compose(
            seller ->
                catalog
                    .call(
                        CatalogGrpcClient.GetStorefront,
                        GetStorefrontRequest.newBuilder()
                            .setSellerId(seller.id().toString())
                            .build(),
                        Authn.callContext(ctx))
                    .map(
                        front -> {
                          JsonArray products = new JsonArray();
                          front
                              .getProductsList()
                              .forEach(
                                  p ->
                                      products.add(
                                          new JsonObject()
                                              .put("id", p.getId())
                                              .put("slug", p.getSlug())
                                              .put("name", p.getName())
                                              .put("price", p.getPrice())
                                              .put("currency", p.getCurrency())));
                          return Reply.ok(
                              new JsonObject()
                                  .put("id", seller.id().toString())
                                  .put("displayName", seller.fullName())
                                  .put("followers", front.getFollowers())
                                  .put("products", products));
                        }));
  }

  /**
   * Idempotent both ways: answers whether the caller now follows the seller, and the follower
   * count.
   */
  Future<Reply> follow(RoutingContext ctx, boolean on) {
    Authn.requireRole(ctx, "customer");
    return seller(ctx)
        .compose(
            seller ->
                catalog.call(
                    on ? CatalogGrpcClient.Follow : CatalogGrpcClient.Unfollow,
                    FollowRequest.newBuilder().setSellerId(seller.id().toString()).build(),
                    Authn.callContext(ctx)))
        .map(
            state ->
                Reply.ok(
                    new JsonObject()
                        .put("sellerId", state.getSellerId())
                        .put("following", state.getFollowing())
                        .put("followers", state.getFollowers())));
  }

  /** The active seller account the path names, or 404 for anything else. */
  private Future<User> seller(RoutingContext ctx) {
    UUID id = Ids.parse(ctx.pathParam("id"));
    ApiProblem missing = ApiProblem.notFound("No seller " + ctx.pathParam("id") + ".");
    if (id == null) {
      return Future.failedFuture(missing);
    }
    return users
        .byId(id)
        .compose(
            found ->
                found
                    .filter(u -> "seller".equals(u.role()) && u.active())
                    .map(Future::succeededFuture)
                    .orElseGet(() -> Future.failedFuture(missing)));
  }
}
