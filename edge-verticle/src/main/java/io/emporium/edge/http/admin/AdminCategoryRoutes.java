package io.emporium.edge.http.admin;

import io.emporium.common.grpc.GrpcCalls;
import io.emporium.edge.cache.CatalogCache;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Fields;
import io.emporium.edge.http.JsonBodies;
import io.emporium.edge.http.Reply;
import io.emporium.edge.http.json.CategoryJson;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.DeleteCategoryRequest;
import io.emporium.proto.catalog.v1.SaveCategoryRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.text.Normalizer;
import java.util.Locale;

/** Changes to {@code /categories}, for admins; the catalog owns the data and the rules. */
public final class AdminCategoryRoutes {
  private final GrpcCalls catalog;
  private final CatalogCache cache;

  public AdminCategoryRoutes(GrpcCalls catalog, CatalogCache cache) {
    this.catalog = catalog;
    this.cache = cache;
  }

  public void mount(Router api) {
    api.post("/categories").handler(Endpoint.of(ctx -> save(ctx, "").map(c -> new Reply(201, c))));
    api.put("/categories/:id")
        .handler(Endpoint.of(ctx -> save(ctx, ctx.pathParam("id")).map(Reply::ok)));
    api.delete("/categories/:id").handler(Endpoint.of(this::delete));
  }

  Future<JsonObject> save(RoutingContext ctx, String id) {
    Authn.caller(ctx);
    Fields f = new Fields(JsonBodies.object(ctx));
    String name = f.required("name", 200);
    String slug = f.optional("slug", 200);
    String parentId = f.optional("parentId", 64);
    f.throwIfInvalid();
    SaveCategoryRequest request =
        SaveCategoryRequest.newBuilder()
            .setId(id)
            .setName(name)
            .setSlug(slug != null ? slug : slugOf(name))
            .setParentId(parentId == null ? "" : parentId)
            .build();
    return catalog
        .call(CatalogGrpcClient.SaveCategory, request, Authn.callContext(ctx))
        .compose(c -> cache.categoriesChanged().map(CategoryJson.of(c)));
  }

  Future<Reply> delete(RoutingContext ctx) {
    Authn.caller(ctx);
    DeleteCategoryRequest request =
        DeleteCategoryRequest.newBuilder().setCategoryId(ctx.pathParam("id")).build();
    return catalog
        .call(CatalogGrpcClient.DeleteCategory, request, Authn.callContext(ctx))
        .compose(r -> cache.categoriesChanged())
        .map(r -> Reply.noContent());
  }

  /** A slug from a name: ASCII letters and digits, lower case, joined by single hyphens. */
  static String slugOf(String name) {
    String ascii = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
    return ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
  }
}
