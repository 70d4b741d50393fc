package io.emporium.catalog.grpc;

import io.emporium.catalog.store.FollowStore;
import io.emporium.catalog.store.ProductStore;
import io.emporium.common.Cursor;
import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.CatalogGrpcService;
import io.emporium.proto.catalog.v1.FollowingPage;
import io.emporium.proto.catalog.v1.ListFollowingRequest;
import io.emporium.proto.catalog.v1.GetProductRequest;
import io.emporium.proto.catalog.v1.Product;
import io.vertx.core.Future;
import java.util.UUID;

/** The {@code emporium.catalog.v1.Catalog} service. */
public final class CatalogRpcs {
  private static final int MAX_PAGE = 100;

  private final ProductStore products;
  private final FollowStore follows;

  public CatalogRpcs(ProductStore products, FollowStore follows) {
    this.products = products;
    this.follows = follows;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(CatalogGrpcService.GetProduct, this::getProduct);
    endpoints.unary(CatalogGrpcService.ListFollowing, this::listFollowing);
  }

  Future<FollowingPage> listFollowing(CallContext caller, ListFollowingRequest request) {
    UUID follower = Ids.parse(caller.userId());
    if (follower == null) {
      return Future.failedFuture(ApiProblem.unauthorized("Sign in to see whom you follow."));
    }
    if (request.getLimit() < 1 || request.getLimit() > MAX_PAGE) {
      return Future.failedFuture(ApiProblem.invalid("limit", "must be an integer from 1 to " + MAX_PAGE));
    }
    Cursor after = null;
    if (!request.getCursor().isEmpty()) {
      after = Cursor.decode(request.getCursor()).orElse(null);
      if (after == null) {
        return Future.failedFuture(ApiProblem.invalid("cursor", "is not a cursor this API issued"));
      }
    }
    return follows.following(follower, after, request.getLimit());
  }

  Future<Product> getProduct(CallContext caller, GetProductRequest request) {
    UUID id = Ids.parse(request.getProductId());
    if (id == null) {
      return Future.failedFuture(ApiProblem.notFound("No product " + request.getProductId() + "."));
    }
    return products.findPublic(id).map(found -> found.orElseThrow(
        () -> ApiProblem.notFound("No product " + request.getProductId() + ".")));
  }
}
