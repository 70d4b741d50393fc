package io.emporium.edge.http.seller;

import io.emporium.common.grpc.GrpcCalls;
import io.emporium.edge.cache.CatalogCache;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Fields;
import io.emporium.edge.http.JsonBodies;
import io.emporium.edge.http.Reply;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.InventoryChange;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code PUT /inventory/{sku}}: set ({@code available}) or move ({@code delta}) a variant's stock;
 * never below zero.
 */
public final class InventoryRoutes {
  private static final int LIMIT = 1_000_000;
  private final GrpcCalls catalog;

  private final CatalogCache cache;

  public InventoryRoutes(GrpcCalls catalog, CatalogCache cache) {
    this.catalog = catalog;
    this.cache = cache;
  }

  public void mount(Router api) {
    api.put("/inventory/:sku").handler(Endpoint.of(this::adjust));
  }

  Future<Reply> adjust(RoutingContext ctx) {
    Authn.requireRole(ctx, "seller", "admin");
    Fields f = new Fields(JsonBodies.object(ctx));
    Integer available = f.integer("available", -LIMIT, LIMIT);
    Integer delta = f.integer("delta", -LIMIT, LIMIT);
    if (f.valid() && (available == null) == (delta == null)) {
      f.error("available", "give either available (absolute) or delta (relative)");
    }
    f.throwIfInvalid();
    InventoryChange.Builder change = InventoryChange.newBuilder().setSku(ctx.pathParam("sku"));
    if (available != null) {
      change.setAvailable(available);
    } else {
      change.setDelta(delta);
    }
    return catalog
        .call(CatalogGrpcClient.AdjustInventory, change.build(), Authn.callContext(ctx))
        .compose(level -> cache.productChanged(level.getProductId()).map(level))
        .map(
            level ->
                Reply.ok(
                    new JsonObject()
                        .put("sku", level.getSku())
                        .put("productId", level.getProductId())
                        .put("stock", level.getStock())
                        .put("reserved", level.getReserved())
                        .put("available", level.getAvailable())
                        .put("threshold", level.getThreshold())));
  }
}
