package io.emporium.catalog.grpc;

import io.emporium.catalog.domain.CategoryRules;
import io.emporium.catalog.store.CategoryStore;
import io.emporium.catalog.store.FollowStore;
import io.emporium.catalog.store.ProductStore;
import io.emporium.catalog.store.SettingsStore;
import io.emporium.catalog.store.WishlistStore;
import io.emporium.common.Cursor;
import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.CatalogGrpcService;
import io.emporium.proto.catalog.v1.Category;
import io.emporium.proto.catalog.v1.CategoryList;
import io.emporium.proto.catalog.v1.DeleteCategoryRequest;
import io.emporium.proto.catalog.v1.DeleteCategoryResult;
import io.emporium.proto.catalog.v1.FollowRequest;
import io.emporium.proto.catalog.v1.FollowState;
import io.emporium.proto.catalog.v1.GetStorefrontRequest;
import io.emporium.proto.catalog.v1.Storefront;
import io.emporium.proto.catalog.v1.Wishlist;
import io.emporium.proto.catalog.v1.WishlistChange;
import io.emporium.proto.catalog.v1.GetCategoryRequest;
import io.emporium.proto.catalog.v1.SaveCategoryRequest;
import io.emporium.proto.catalog.v1.FollowingPage;
import io.emporium.proto.catalog.v1.ListFollowingRequest;
import io.emporium.proto.catalog.v1.GetProductRequest;
import io.emporium.proto.catalog.v1.Product;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code emporium.catalog.v1.Catalog} service. */
public final class CatalogRpcs {
  private static final int MAX_PAGE = 100;
  private static final int MAX_THRESHOLD = 1_000_000;

  private final ProductStore products;
  private final FollowStore follows;
  private final CategoryStore categories;
  private final WishlistStore wishlists;
  private final SettingsStore settings;

  public CatalogRpcs(ProductStore products, FollowStore follows, CategoryStore categories, WishlistStore wishlists,
                     SettingsStore settings) {
    this.products = products;
    this.follows = follows;
    this.categories = categories;
    this.wishlists = wishlists;
    this.settings = settings;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(CatalogGrpcService.GetProduct, this::getProduct);
    endpoints.unary(CatalogGrpcService.ListFollowing, this::listFollowing);
    endpoints.unary(CatalogGrpcService.ListCategories, (caller, request) ->
        categories.all().map(all -> CategoryList.newBuilder().addAllCategories(all).build()));
    endpoints.unary(CatalogGrpcService.GetCategory, this::getCategory);
    endpoints.unary(CatalogGrpcService.Follow, (caller, request) -> follow(caller, request, true));
    endpoints.unary(CatalogGrpcService.Unfollow, (caller, request) -> follow(caller, request, false));
    endpoints.unary(CatalogGrpcService.GetStorefront, this::storefront);
    endpoints.unary(CatalogGrpcService.GetSettings, (caller, request) -> {
      requireAdmin(caller);
      return settings.get();
    });
    endpoints.unary(CatalogGrpcService.PutSettings, (caller, changed) -> {
      requireAdmin(caller);
      if (changed.getLowStockThreshold() < 0 || changed.getLowStockThreshold() > MAX_THRESHOLD) {
        return Future.failedFuture(ApiProblem.invalid("lowStockThreshold", "must be an integer from 0 to " + MAX_THRESHOLD));
      }
      return settings.put(changed);
    });
    endpoints.unary(CatalogGrpcService.ListWishlist, (caller, request) -> wishlists.of(customer(caller)));
    endpoints.unary(CatalogGrpcService.AddToWishlist, this::addToWishlist);
    endpoints.unary(CatalogGrpcService.RemoveFromWishlist, (caller, change) -> {
      UUID user = customer(caller);
      UUID product = Ids.parse(change.getProductId());
      return (product == null ? Future.<Void>succeededFuture() : wishlists.remove(user, product)).compose(v -> wishlists.of(user));
    });
    endpoints.unary(CatalogGrpcService.SaveCategory, this::saveCategory);
    endpoints.unary(CatalogGrpcService.DeleteCategory, this::deleteCategory);
  }

  /** The edge has checked that the seller exists; here only customers may follow. */
  Future<FollowState> follow(CallContext caller, FollowRequest request, boolean on) {
    if (!caller.authenticated()) {
      return Future.failedFuture(ApiProblem.unauthorized("Sign in to follow sellers."));
    }
    if (!"customer".equals(caller.role())) {
      return Future.failedFuture(ApiProblem.forbidden("Only customers follow sellers."));
    }
    UUID seller = Ids.parse(request.getSellerId());
    if (seller == null) {
      return Future.failedFuture(ApiProblem.notFound("No seller " + request.getSellerId() + "."));
    }
    return follows.follow(Ids.parse(caller.userId()), seller, on);
  }

  Future<Wishlist> addToWishlist(CallContext caller, WishlistChange change) {
    UUID user = customer(caller);
    UUID product = Ids.parse(change.getProductId());
    ApiProblem missing = ApiProblem.notFound("No product " + change.getProductId() + " to wish for.");
    if (product == null) {
      return Future.failedFuture(missing);
    }
    return wishlists.add(user, product).compose(added -> added
        ? wishlists.of(user)
        : Future.failedFuture(ApiProblem.notFound("No active product " + product + ", or the wishlist already holds "
            + WishlistStore.MAX_ITEMS + " products.")));
  }

  /** The signed-in customer's id; 401 for anonymous callers, 403 for other roles. */
  private static UUID customer(CallContext caller) {
    if (!caller.authenticated()) {
      throw ApiProblem.unauthorized("Sign in to use a wishlist.");
    }
    if (!"customer".equals(caller.role())) {
      throw ApiProblem.forbidden("Wishlists are for customers.");
    }
    return Ids.parse(caller.userId());
  }

  Future<Storefront> storefront(CallContext caller, GetStorefrontRequest request) {
    UUID seller = Ids.parse(request.getSellerId());
    if (seller == null) {
      return Future.failedFuture(ApiProblem.notFound("No seller " + request.getSellerId() + "."));
    }
    return follows.storefront(seller);
  }

  Future<Category> getCategory(CallContext caller, GetCategoryRequest request) {
    UUID id = Ids.parse(request.getCategoryId());
    return (id == null ? Future.succeededFuture(Optional.<Category>empty()) : categories.find(id))
        .map(found -> found.orElseThrow(() -> ApiProblem.notFound("No category " + request.getCategoryId() + ".")));
  }

  Future<Category> saveCategory(CallContext caller, SaveCategoryRequest request) {
    requireAdmin(caller);
    UUID id = null;
    if (!request.getId().isEmpty()) {
      id = Ids.parse(request.getId());
      if (id == null) {
        return Future.failedFuture(ApiProblem.notFound("No category " + request.getId() + "."));
      }
    }
    List<ApiProblem.FieldError> errors = new ArrayList<>(CategoryRules.validate(request.getName(), request.getSlug()));
    UUID parent = request.getParentId().isEmpty() ? null : Ids.parse(request.getParentId());
    if (!request.getParentId().isEmpty() && parent == null) {
      errors.add(new ApiProblem.FieldError("parentId", "is not a category"));
    }
    if (!errors.isEmpty()) {
      return Future.failedFuture(ApiProblem.invalid(errors));
    }
    return categories.save(id, request.getName().strip(), request.getSlug(), parent);
  }

  Future<DeleteCategoryResult> deleteCategory(CallContext caller, DeleteCategoryRequest request) {
    requireAdmin(caller);
    UUID id = Ids.parse(request.getCategoryId());
    if (id == null) {
      return Future.failedFuture(ApiProblem.notFound("No category " + request.getCategoryId() + "."));
    }
    return categories.delete(id).map(DeleteCategoryResult.getDefaultInstance());
  }

  private static void requireAdmin(CallContext caller) {
    if (!caller.authenticated()) {
      throw ApiProblem.unauthorized("Sign in as an admin.");
    }
    if (!caller.isAdmin()) {
      throw ApiProblem.forbidden("Only admins may do this.");
    }
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
