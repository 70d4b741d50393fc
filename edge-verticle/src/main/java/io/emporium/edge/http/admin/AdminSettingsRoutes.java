package io.emporium.edge.http.admin;

import io.emporium.common.grpc.GrpcCalls;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Fields;
import io.emporium.edge.http.JsonBodies;
import io.emporium.edge.http.Paging;
import io.emporium.edge.http.Reply;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.CatalogSettings;
import io.emporium.proto.catalog.v1.GetSettingsRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * {@code /admin/settings}: store-wide settings, kept by the services they steer (the catalog's, so
 * far).
 */
public final class AdminSettingsRoutes {
  private final GrpcCalls catalog;

  public AdminSettingsRoutes(GrpcCalls catalog) {
    this.catalog = catalog;
  }

  public void mount(Router api) {
    api.get("/admin/settings").handler(Endpoint.of(this::get));
    api.put("/admin/settings").handler(Endpoint.of(this::put));
  }

  Future<Reply> get(RoutingContext ctx) {
    Authn.requireRole(ctx, "admin");
    Paging.params(ctx, Set.of());
    return catalog
        .call(
            CatalogGrpcClient.GetSettings,
            GetSettingsRequest.getDefaultInstance(),
            Authn.callContext(ctx))
        .map(s -> Reply.ok(json(s)));
  }

  /** Replaces the settings: every field is required. */
  Future<Reply> put(RoutingContext ctx) {
    Authn.requireRole(ctx, "admin");
    Fields f = new Fields(JsonBodies.object(ctx));
    Boolean approval = f.optionalBoolean("productApprovalRequired");
    Integer threshold = f.integer("lowStockThreshold", 0, 1_000_000);
    f.check(
        "productApprovalRequired",
        approval != null || f.hasError("productApprovalRequired"),
        "is required");
    f.check(
        "lowStockThreshold", threshold != null || f.hasError("lowStockThreshold"), "is required");
    f.throwIfInvalid();
    CatalogSettings settings =
        CatalogSettings.newBuilder()
            .setProductApprovalRequired(approval)
            .setLowStockThreshold(threshold)
            .build();
    return catalog
        .call(CatalogGrpcClient.PutSettings, settings, Authn.callContext(ctx))
        .map(s -> Reply.ok(json(s)));
  }

  private static JsonObject json(CatalogSettings s) {
    return new JsonObject()
        .put("productApprovalRequired", s.getProductApprovalRequired())
        .put("lowStockThreshold", s.getLowStockThreshold());
  }
}
