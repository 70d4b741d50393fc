package io.emporium.catalog.grpc;

import io.emporium.catalog.store.WishlistStore;
import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.CatalogGrpcService;
import io.emporium.proto.catalog.v1.Wishlist;
import io.emporium.proto.catalog.v1.WishlistChange;
import io.vertx.core.Future;
import java.util.UUID;

/** Customers' wishlists of {@code emporium.catalog.v1.Catalog}. */
public final class WishlistRpcs {
  private final WishlistStore wishlists;

  public WishlistRpcs(WishlistStore wishlists) {
    this.wishlists = wishlists;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(
        CatalogGrpcService.ListWishlist,
        (caller, request) -> wishlists.of(caller.requireRole("customer")));
    endpoints.unary(CatalogGrpcService.AddToWishlist, this::add);
    endpoints.unary(CatalogGrpcService.RemoveFromWishlist, this::remove);
  }

  Future<Wishlist> add(CallContext caller, WishlistChange change) {
    UUID user = caller.requireRole("customer");
    UUID product = Ids.parse(change.getProductId());
    if (product == null) {
      return Future.failedFuture(
          ApiProblem.notFound("No product " + change.getProductId() + " to wish for."));
    }
    return wishlists
        .add(user, product)
        .compose(
            added ->
                added
                    ? wishlists.of(user)
                    : Future.failedFuture(
                        ApiProblem.notFound(
                            "No active product "
                                + product
                                + ", or the wishlist already holds "
                                + WishlistStore.MAX_ITEMS
                                + " products.")));
  }

  /** Removing a product that is not there changes nothing. */
  Future<Wishlist> remove(CallContext caller, WishlistChange change) {
    UUID user = caller.requireRole("customer");
    UUID product = Ids.parse(change.getProductId());
    return (product == null ? Future.<Void>succeededFuture() : wishlists.remove(user, product))
        .compose(v -> wishlists.of(user));
  }
}
