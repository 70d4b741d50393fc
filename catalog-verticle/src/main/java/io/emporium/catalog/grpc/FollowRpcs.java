package io.emporium.catalog.grpc;

import io.emporium.catalog.store.FollowStore;
import io.emporium.common.Cursor;
import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.CatalogGrpcService;
import io.emporium.proto.catalog.v1.FollowRequest;
import io.emporium.proto.catalog.v1.FollowState;
import io.emporium.proto.catalog.v1.FollowerPage;
import io.emporium.proto.catalog.v1.FollowingPage;
import io.emporium.proto.catalog.v1.GetStorefrontRequest;
import io.emporium.proto.catalog.v1.ListFollowersRequest;
import io.emporium.proto.catalog.v1.ListFollowingRequest;
import io.emporium.proto.catalog.v1.Storefront;
import io.vertx.core.Future;
import java.util.UUID;

/**
 * Follows and storefronts of {@code emporium.catalog.v1.Catalog}; the edge vouches that a seller
 * exists.
 */
public final class FollowRpcs {
  private static final int MAX_PAGE = 100;
  private static final int MAX_FOLLOWERS_PAGE = 1000;
  private final FollowStore follows;

  public FollowRpcs(FollowStore follows) {
    this.follows = follows;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(CatalogGrpcService.ListFollowing, this::listFollowing);
    endpoints.unary(CatalogGrpcService.ListFollowers, this::listFollowers);
    endpoints.unary(CatalogGrpcService.Follow, (caller, request) -> follow(caller, request, true));
    endpoints.unary(
        CatalogGrpcService.Unfollow, (caller, request) -> follow(caller, request, false));
    endpoints.unary(CatalogGrpcService.GetStorefront, this::storefront);
  }

  Future<FollowingPage> listFollowing(CallContext caller, ListFollowingRequest request) {
    UUID follower = caller.requireRole("customer", "seller", "admin");
    if (request.getLimit() < 1 || request.getLimit() > MAX_PAGE) {
      return Future.failedFuture(
          ApiProblem.invalid("limit", "must be an integer from 1 to " + MAX_PAGE));
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

  /** For the realtime service's fan-out only: who follows is not anyone else's business. */
  Future<FollowerPage> listFollowers(CallContext caller, ListFollowersRequest request) {
    caller.requireRole(CallContext.SERVICE_ROLE);
    UUID seller = Ids.parse(request.getSellerId());
    UUID after = request.getAfter().isEmpty() ? null : Ids.parse(request.getAfter());
    if (seller == null
        || request.getLimit() < 1
        || request.getLimit() > MAX_FOLLOWERS_PAGE
        || (!request.getAfter().isEmpty() && after == null)) {
      return Future.failedFuture(
          ApiProblem.invalid(
              "request",
              "needs a seller id, a limit from 1 to "
                  + MAX_FOLLOWERS_PAGE
                  + " and, after the first page, the last user id seen"));
    }
    return follows.followers(seller, after, request.getLimit());
  }

  Future<FollowState> follow(CallContext caller, FollowRequest request, boolean on) {
    UUID follower = caller.requireRole("customer");
    UUID seller = Ids.parse(request.getSellerId());
    if (seller == null) {
      return Future.failedFuture(ApiProblem.notFound("No seller " + request.getSellerId() + "."));
    }
    return follows.follow(follower, seller, on);
  }

  Future<Storefront> storefront(CallContext caller, GetStorefrontRequest request) {
    UUID seller = Ids.parse(request.getSellerId());
    if (seller == null) {
      return Future.failedFuture(ApiProblem.notFound("No seller " + request.getSellerId() + "."));
    }
    return follows.storefront(seller);
  }
}
