package io.emporium.edge.http;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.edge.cache.CatalogCache;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.Category;
import io.emporium.proto.catalog.v1.CategoryList;
import io.emporium.proto.catalog.v1.DeleteCategoryRequest;
import io.emporium.proto.catalog.v1.ListCategoriesRequest;
import io.emporium.proto.catalog.v1.SaveCategoryRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code /categories}: the tree for everyone, changes for admins; the catalog owns the data and the rules. */
public final class CategoryRoutes {
  private final GrpcCalls catalog;

  private final CatalogCache cache;

  public CategoryRoutes(GrpcCalls catalog, CatalogCache cache) {
    this.catalog = catalog;
    this.cache = cache;
  }

  public void mount(Router api) {
    api.get("/categories").handler(Endpoint.of(this::tree));
    api.get("/categories/:id").handler(Endpoint.of(this::one));
    api.post("/categories").handler(Endpoint.of(ctx -> save(ctx, "").map(c -> new Reply(201, c))));
    api.put("/categories/:id").handler(Endpoint.of(ctx -> save(ctx, ctx.pathParam("id")).map(Reply::ok)));
    api.delete("/categories/:id").handler(Endpoint.of(this::delete));
  }

  Future<Reply> tree(RoutingContext ctx) {
    return all(ctx).map(categories -> {
      Map<String, List<Category>> children = childrenByParent(categories);
      return Reply.ok(nodes(children.getOrDefault("", List.of()), children));
    });
  }

  /** One category with its whole subtree. */
  Future<Reply> one(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return all(ctx).map(categories -> {
      Category found = categories.stream().filter(c -> c.getId().equals(id)).findFirst()
          .orElseThrow(() -> ApiProblem.notFound("No category " + id + "."));
      return Reply.ok(node(found, childrenByParent(categories)));
    });
  }

  Future<JsonObject> save(RoutingContext ctx, String id) {
    Authn.caller(ctx);
    Fields f = new Fields(JsonBodies.object(ctx));
    String name = f.required("name", 200);
    String slug = f.optional("slug", 200);
    String parentId = f.optional("parentId", 64);
    f.throwIfInvalid();
    SaveCategoryRequest request = SaveCategoryRequest.newBuilder()
        .setId(id)
        .setName(name)
        .setSlug(slug != null ? slug : slugOf(name))
        .setParentId(parentId == null ? "" : parentId)
        .build();
    return catalog.call(CatalogGrpcClient.SaveCategory, request, Authn.callContext(ctx))
        .compose(c -> cache.categoriesChanged().map(json(c)));
  }

  Future<Reply> delete(RoutingContext ctx) {
    Authn.caller(ctx);
    DeleteCategoryRequest request = DeleteCategoryRequest.newBuilder().setCategoryId(ctx.pathParam("id")).build();
    return catalog.call(CatalogGrpcClient.DeleteCategory, request, Authn.callContext(ctx))
        .compose(r -> cache.categoriesChanged()).map(r -> Reply.noContent());
  }

  /** Every category, from the cache when it has them (kept there as the encoded CategoryList). */
  private Future<List<Category>> all(RoutingContext ctx) {
    return cache.categories().compose(cached -> {
      if (cached.hit()) {
        try {
          return Future.succeededFuture(CategoryList.parseFrom(Base64.getDecoder().decode(cached.body())).getCategoriesList());
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
          // an entry this version cannot read is a miss
        }
      }
      return catalog.call(CatalogGrpcClient.ListCategories, ListCategoriesRequest.getDefaultInstance(), Authn.callContext(ctx))
          .map(list -> {
            cache.putCategories(cached, Base64.getEncoder().encodeToString(list.toByteArray()));
            return list.getCategoriesList();
          });
    });
  }

  /** A slug from a name: ASCII letters and digits, lower case, joined by single hyphens. */
  static String slugOf(String name) {
    String ascii = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
    return ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
  }

  private static Map<String, List<Category>> childrenByParent(List<Category> categories) {
    Map<String, List<Category>> children = new HashMap<>();
    categories.forEach(c -> children.computeIfAbsent(c.getParentId(), k -> new ArrayList<>()).add(c));
    return children;
  }

  private static JsonArray nodes(List<Category> level, Map<String, List<Category>> children) {
    JsonArray out = new JsonArray();
    level.forEach(c -> out.add(node(c, children)));
    return out;
  }

  private static JsonObject node(Category c, Map<String, List<Category>> children) {
    return json(c).put("children", nodes(children.getOrDefault(c.getId(), List.of()), children));
  }

  private static JsonObject json(Category c) {
    return new JsonObject().put("id", c.getId()).put("name", c.getName()).put("slug", c.getSlug())
        .put("parentId", c.getParentId().isEmpty() ? null : c.getParentId());
  }
}
