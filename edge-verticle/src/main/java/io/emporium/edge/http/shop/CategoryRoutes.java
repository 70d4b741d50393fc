package io.emporium.edge.http.shop;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.edge.cache.CatalogCache;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Reply;
import io.emporium.edge.http.json.CategoryJson;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.Category;
import io.emporium.proto.catalog.v1.CategoryList;
import io.emporium.proto.catalog.v1.ListCategoriesRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code /categories}: the tree, and one category with its subtree, for everyone; the catalog owns
 * the data.
 */
public final class CategoryRoutes {
  private final GrpcCalls catalog;
  private final CatalogCache cache;

  public CategoryRoutes(GrpcCalls catalog, CatalogCache cache) {
    this.catalog = catalog;
    this.cache = cache;
  }

  public void mount(Router api) {
    api.get("/categories").handler(Endpoint.of(this::tree));
    api.get("/categories/by-slug/:slug").handler(Endpoint.of(this::bySlug));
    api.get("/categories/:id").handler(Endpoint.of(this::one));
  }

  Future<Reply> tree(RoutingContext ctx) {
    return all(ctx)
        .map(
            categories -> {
              Map<String, List<Category>> children = childrenByParent(categories);
              return Reply.ok(nodes(children.getOrDefault("", List.of()), children));
            });
  }

  /** One category with its whole subtree. */
  Future<Reply> one(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return subtree(ctx, c -> c.getId().equals(id), "No category " + id + ".");
  }

  /** One category with its whole subtree, by its slug; as {@link #one}, from the same list. */
  Future<Reply> bySlug(RoutingContext ctx) {
    String slug = ctx.pathParam("slug");
    return subtree(ctx, c -> c.getSlug().equals(slug), "No category has this slug.");
  }

  private Future<Reply> subtree(RoutingContext ctx, Predicate<Category> wanted, String missing) {
    return all(ctx)
        .map(
            categories -> {
              Category found =
                  categories.stream()
                      .filter(wanted)
                      .findFirst()
                      .orElseThrow(() -> ApiProblem.notFound(missing));
              return Reply.ok(node(found, childrenByParent(categories)));
            });
  }

  /** Every category, from the cache when it has them (kept there as the encoded CategoryList). */
  private Future<List<Category>> all(RoutingContext ctx) {
    return cache
        .categories()
        .compose(
            cached -> {
              if (cached.hit()) {
                try {
                  return Future.succeededFuture(
                      CategoryList.parseFrom(Base64.getDecoder().decode(cached.body()))
                          .getCategoriesList());
                } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
                  // an entry this version cannot read is a miss
                }
              }
              return catalog
                  .call(
                      CatalogGrpcClient.ListCategories,
                      ListCategoriesRequest.getDefaultInstance(),
                      Authn.callContext(ctx))
                  .map(
                      list -> {
                        cache.putCategories(
                            cached, Base64.getEncoder().encodeToString(list.toByteArray()));
                        return list.getCategoriesList();
                      });
            });
  }

  private static Map<String, List<Category>> childrenByParent(List<Category> categories) {
    Map<String, List<Category>> children = new HashMap<>();
    categories.forEach(
        c -> children.computeIfAbsent(c.getParentId(), k -> new ArrayList<>()).add(c));
    return children;
  }

  private static JsonArray nodes(List<Category> level, Map<String, List<Category>> children) {
    JsonArray out = new JsonArray();
    level.forEach(c -> out.add(node(c, children)));
    return out;
  }

  private static JsonObject node(Category c, Map<String, List<Category>> children) {
    return CategoryJson.of(c)
        .put("children", nodes(children.getOrDefault(c.getId(), List.of()), children));
  }
}
