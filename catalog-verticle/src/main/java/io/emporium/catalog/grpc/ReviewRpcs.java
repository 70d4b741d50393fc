package io.emporium.catalog.grpc;

import io.emporium.catalog.domain.ReviewRules;
import io.emporium.catalog.store.ProductStore;
import io.emporium.catalog.store.PurchaseStore;
import io.emporium.catalog.store.ReviewStore;
import io.emporium.common.Cursor;
import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.CatalogGrpcService;
import io.emporium.proto.catalog.v1.ListReviewsRequest;
import io.emporium.proto.catalog.v1.Product;
import io.emporium.proto.catalog.v1.Review;
import io.emporium.proto.catalog.v1.ReviewDraft;
import io.emporium.proto.catalog.v1.ReviewPage;
import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;

/**
 * Reviews and recommendations of {@code emporium.catalog.v1.Catalog}: both are about public
 * products and customers.
 */
public final class ReviewRpcs {
  private static final int MAX_PAGE = 100;
  private final ProductStore products;
  private final ReviewStore reviews;
  private final PurchaseStore purchases;

  public ReviewRpcs(ProductStore products, ReviewStore reviews, PurchaseStore purchases) {
    this.products = products;
    this.reviews = reviews;
    this.purchases = purchases;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(CatalogGrpcService.ListReviews, this::list);
    endpoints.unary(CatalogGrpcService.AddReview, this::add);
    endpoints.unary(
        CatalogGrpcService.Recommend,
        (caller, request) -> {
          UUID customer = caller.requireRole("customer");
          if (request.getLimit() < 1 || request.getLimit() > MAX_PAGE) {
            return Future.failedFuture(
                ApiProblem.invalid("limit", "must be an integer from 1 to " + MAX_PAGE));
          }
          return purchases.recommend(customer, request.getLimit());
        });
  }

  Future<ReviewPage> list(CallContext caller, ListReviewsRequest request) {
    if (request.getLimit() < 1 || request.getLimit() > MAX_PAGE) {
      return Future.failedFuture(
          ApiProblem.invalid("limit", "must be an integer from 1 to " + MAX_PAGE));
    }
    Cursor after =
        request.getCursor().isEmpty()
            ? null
            : Cursor.decode(request.getCursor())
                .orElseThrow(() -> ApiProblem.invalid("cursor", "is not a cursor this API issued"));
    return publicProduct(request.getProductId())
        .compose(
            p ->
                reviews
                    .page(UUID.fromString(p.getId()), after, request.getLimit())
                    .map(page -> page.toBuilder().setRating(p.getRating()).build()));
  }

  Future<Review> add(CallContext caller, ReviewDraft draft) {
    UUID author = caller.requireRole("customer");
    List<ApiProblem.FieldError> errors = ReviewRules.validate(draft);
    if (!errors.isEmpty()) {
      return Future.failedFuture(ApiProblem.invalid(errors));
    }
    return publicProduct(draft.getProductId())
        .compose(p -> reviews.add(author, UUID.fromString(p.getId()), draft))
        .map(
            saved -> {
              if (saved == null) {
                throw ApiProblem.conflict("You have already reviewed this product.");
              }
              return saved;
            });
  }

  private Future<Product> publicProduct(String productId) {
    UUID id = Ids.parse(productId);
    ApiProblem missing = ApiProblem.notFound("No product " + productId + ".");
    if (id == null) {
      return Future.failedFuture(missing);
    }
    return products
        .find(id)
        .map(found -> found.filter(p -> p.getStatus().equals("active")).orElseThrow(() -> missing));
  }
}
