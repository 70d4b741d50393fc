package io.emporium.edge.http.shop;

import io.emporium.common.grpc.GrpcCalls;
import io.emporium.edge.cache.CatalogCache;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Fields;
import io.emporium.edge.http.JsonBodies;
import io.emporium.edge.http.Paging;
import io.emporium.edge.http.Reply;
import io.emporium.edge.identity.domain.DisplayNames;
import io.emporium.edge.identity.store.UserStore;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.ListReviewsRequest;
import io.emporium.proto.catalog.v1.Review;
import io.emporium.proto.catalog.v1.ReviewDraft;
import io.emporium.proto.catalog.v1.ReviewPage;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /products/{id}/reviews}: anyone reads them; a customer writes one per product. The catalog
 * keeps the reviews and who wrote them; identity (here) names the reviewers, by {@link
 * DisplayNames#customer}.
 */
public final class ReviewRoutes {
  private final GrpcCalls catalog;
  private final CatalogCache cache;
  private final UserStore users;

  public ReviewRoutes(GrpcCalls catalog, CatalogCache cache, UserStore users) {
    this.catalog = catalog;
    this.cache = cache;
    this.users = users;
  }

  public void mount(Router api) {
    api.get("/products/:id/reviews").handler(Endpoint.of(this::list));
    api.post("/products/:id/reviews").handler(Endpoint.of(this::add));
  }

  Future<Reply> list(RoutingContext ctx) {
    MultiMap params = Paging.params(ctx, Set.of("limit", "cursor"));
    ListReviewsRequest request =
        ListReviewsRequest.newBuilder()
            .setProductId(ctx.pathParam("id"))
            .setLimit(Paging.limit(params))
            .setCursor(params.get("cursor") == null ? "" : params.get("cursor"))
            .build();
    return catalog
        .call(CatalogGrpcClient.ListReviews, request, Authn.callContext(ctx))
        .compose(
            page -> {
              List<UUID> reviewers =
                  page.getReviewsList().stream()
                      .map(r -> UUID.fromString(r.getUserId()))
                      .distinct()
                      .toList();
              return users.names(reviewers).map(names -> page(page, names));
            });
  }

  Future<Reply> add(RoutingContext ctx) {
    Authn.requireRole(ctx, "customer");
    Fields f = new Fields(JsonBodies.object(ctx));
    Integer rating = f.integer("rating", 1, 5);
    f.check("rating", rating != null || f.hasError("rating"), "is required");
    String title = f.optional("title", 1000);
    String body = f.required("body", 20_000);
    f.forbid("verifiedPurchase", "is decided by the catalog from the reviewer's orders");
    f.forbid("userId", "is the caller");
    f.throwIfInvalid();
    ReviewDraft draft =
        ReviewDraft.newBuilder()
            .setProductId(ctx.pathParam("id"))
            .setRating(rating)
            .setTitle(title == null ? "" : title)
            .setBody(body)
            .build();
    String reviewer = DisplayNames.customer(Authn.caller(ctx).user().fullName());
    return catalog
        .call(CatalogGrpcClient.AddReview, draft, Authn.callContext(ctx))
        .compose(r -> cache.productChanged(r.getProductId()).map(Reply.created(json(r, reviewer))));
  }

  private static Reply page(ReviewPage page, Map<UUID, String> names) {
    JsonArray items = new JsonArray();
    page.getReviewsList()
        .forEach(
            r ->
                items.add(
                    json(r, DisplayNames.customer(names.get(UUID.fromString(r.getUserId()))))));
    return Reply.ok(
        new JsonObject()
            .put("items", items)
            .put("nextCursor", page.getNextCursor().isEmpty() ? null : page.getNextCursor())
            .put(
                "rating",
                new JsonObject()
                    .put("average", page.getRating().getAverage())
                    .put("count", page.getRating().getCount())));
  }

  /** A review as the public sees it: the reviewer by display name, never by id. */
  static JsonObject json(Review r, String reviewerName) {
    return new JsonObject()
        .put("id", r.getId())
        .put("productId", r.getProductId())
        .put("reviewer", new JsonObject().put("displayName", reviewerName))
        .put("rating", r.getRating())
        .put("title", r.getTitle().isEmpty() ? null : r.getTitle())
        .put("body", r.getBody())
        .put("verifiedPurchase", r.getVerifiedPurchase())
        .put("createdAt", r.getCreatedAt());
  }
}
