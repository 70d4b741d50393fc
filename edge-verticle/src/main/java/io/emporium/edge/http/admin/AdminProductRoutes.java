package io.emporium.edge.http.admin;

import io.emporium.common.grpc.GrpcCalls;
import io.emporium.edge.cache.CatalogCache;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Fields;
import io.emporium.edge.http.JsonBodies;
import io.emporium.edge.http.Paging;
import io.emporium.edge.http.Reply;
import io.emporium.edge.http.json.ProductJson;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.ListMyProductsRequest;
import io.emporium.proto.catalog.v1.Product;
import io.emporium.proto.catalog.v1.ReviewProductRequest;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * {@code /admin/products}: the products waiting for approval, and approving or rejecting one.
 * Admins only.
 */
public final class AdminProductRoutes {
  private final GrpcCalls catalog;
  private final CatalogCache cache;

  public AdminProductRoutes(GrpcCalls catalog, CatalogCache cache) {
    this.catalog = catalog;
    this.cache = cache;
  }

  public void mount(Router api) {
    api.get("/admin/products/pending").handler(Endpoint.of(this::pending));
    api.post("/admin/products/:id/approve").handler(Endpoint.of(ctx -> review(ctx, true)));
    api.post("/admin/products/:id/reject").handler(Endpoint.of(ctx -> review(ctx, false)));
  }

  Future<Reply> pending(RoutingContext ctx) {
    Authn.requireRole(ctx, "admin");
    return catalog
        .call(CatalogGrpcClient.ListPendingProducts, pageRequest(ctx), Authn.callContext(ctx))
        .map(page -> Reply.ok(ProductJson.page(page)));
  }

  /** Approve makes a pending product active; reject sends it back to draft with the reason. */
  Future<Reply> review(RoutingContext ctx, boolean approve) {
    Authn.requireRole(ctx, "admin");
    // approving takes no body
    Fields f = new Fields(approve ? new JsonObject() : JsonBodies.object(ctx));
    String reason = approve ? null : f.required("reason", 1000);
    f.throwIfInvalid();
    ReviewProductRequest request =
        ReviewProductRequest.newBuilder()
            .setProductId(ctx.pathParam("id"))
            .setApprove(approve)
            .setReason(reason == null ? "" : reason)
            .build();
    return catalog
        .call(CatalogGrpcClient.ReviewProduct, request, Authn.callContext(ctx))
        .compose(this::changed)
        .map(p -> Reply.ok(ProductJson.of(p)));
  }

  /** Drops the cached page of the product a change answered with, before the change is answered. */
  private Future<Product> changed(Product p) {
    return cache.productChanged(p.getId()).map(p);
  }

  private static ListMyProductsRequest pageRequest(RoutingContext ctx) {
    MultiMap params = Paging.params(ctx, Set.of("limit", "cursor"));
    return ListMyProductsRequest.newBuilder()
        .setLimit(Paging.limit(params))
        .setCursor(params.get("cursor") == null ? "" : params.get("cursor"))
        .build();
  }
}
