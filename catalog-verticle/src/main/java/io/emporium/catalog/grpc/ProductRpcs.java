package io.emporium.catalog.grpc;

import io.emporium.catalog.domain.ProductRules;
import io.emporium.catalog.domain.SearchRules;
import io.emporium.catalog.domain.SlugRules;
import io.emporium.catalog.store.OfferStore;
import io.emporium.catalog.store.ProductSearchStore;
import io.emporium.catalog.store.ProductStore;
import io.emporium.catalog.store.SettingsStore;
import io.emporium.common.Cursor;
import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.CatalogGrpcService;
import io.emporium.proto.catalog.v1.DeleteProductRequest;
import io.emporium.proto.catalog.v1.DeleteProductResult;
import io.emporium.proto.catalog.v1.FindProductBySlugRequest;
import io.emporium.proto.catalog.v1.GetProductRequest;
import io.emporium.proto.catalog.v1.ListMyProductsRequest;
import io.emporium.proto.catalog.v1.Product;
import io.emporium.proto.catalog.v1.ProductDraft;
import io.emporium.proto.catalog.v1.ProductPage;
import io.emporium.proto.catalog.v1.ProductSlug;
import io.emporium.proto.catalog.v1.ProductUpdate;
import io.emporium.proto.catalog.v1.ReviewProductRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Products of {@code emporium.catalog.v1.Catalog}: only active ones are public; owners and admins
 * see the rest.
 */
public final class ProductRpcs {
  private static final int MAX_PAGE = 100;
  private final ProductStore products;
  private final ProductSearchStore search;
  private final SettingsStore settings;
  private final OfferStore offers;

  public ProductRpcs(
      ProductStore products, ProductSearchStore search, SettingsStore settings, OfferStore offers) {
    this.products = products;
    this.offers = offers;
    this.search = search;
    this.settings = settings;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(CatalogGrpcService.GetProduct, this::getProduct);
    endpoints.unary(CatalogGrpcService.FindProductBySlug, this::findBySlug);
    endpoints.unary(
        CatalogGrpcService.SearchProducts,
        (caller, request) -> {
          List<ApiProblem.FieldError> errors = SearchRules.validate(request);
          return errors.isEmpty()
              ? search.search(request)
              : Future.failedFuture(ApiProblem.invalid(errors));
        });
    endpoints.unary(
        CatalogGrpcService.LookupVariants,
        (caller, request) -> {
          if (request.getSkusCount() + request.getProductIdsCount() > MAX_PAGE) {
            return Future.failedFuture(
                ApiProblem.invalid("skus", "at most " + MAX_PAGE + " skus and products at once"));
          }
          List<UUID> ids =
              request.getProductIdsList().stream()
                  .map(Ids::parse)
                  .filter(java.util.Objects::nonNull)
                  .toList();
          return offers.lookup(request.getSkusList(), ids);
        });
    endpoints.unary(CatalogGrpcService.CreateProduct, this::createProduct);
    endpoints.unary(CatalogGrpcService.ListMyProducts, this::listMine);
    endpoints.unary(CatalogGrpcService.UpdateProduct, this::updateProduct);
    endpoints.unary(CatalogGrpcService.DeleteProduct, this::deleteProduct);
    endpoints.unary(
        CatalogGrpcService.ListPendingProducts,
        (caller, request) -> {
          caller.requireRole("admin");
          return products.pending(cursor(request), limit(request));
        });
    endpoints.unary(CatalogGrpcService.ReviewProduct, this::review);
  }

  Future<Product> review(CallContext caller, ReviewProductRequest request) {
    caller.requireRole("admin");
    String reason = request.getReason().strip();
    if (!request.getApprove() && (reason.isEmpty() || reason.length() > 1000)) {
      return Future.failedFuture(
          ApiProblem.invalid("reason", "is required when rejecting, at most 1000 characters"));
    }
    UUID id = Ids.parse(request.getProductId());
    ApiProblem missing = ApiProblem.notFound("No product " + request.getProductId() + ".");
    if (id == null) {
      return Future.failedFuture(missing);
    }
    return products
        .find(id)
        .compose(
            found -> {
              Product p = found.orElseThrow(() -> missing);
              return products
                  .review(
                      caller,
                      id,
                      request.getApprove() ? "active" : "draft",
                      request.getApprove() ? null : reason)
                  .compose(
                      done ->
                          done
                              ? products.find(id).map(Optional::get)
                              : Future.failedFuture(
                                  ApiProblem.conflict(
                                      "The product is "
                                          + p.getStatus()
                                          + ", not pending_review.")));
            });
  }

  Future<Product> updateProduct(CallContext caller, ProductUpdate change) {
    caller.requireRole("seller", "admin");
    return owned(products, caller, change.getProductId())
        .compose(
            current -> {
              ProductDraft merged = merge(current, change);
              List<ApiProblem.FieldError> errors = new ArrayList<>(ProductRules.validate(merged));
              if (!merged.getCategoryId().isEmpty() && Ids.parse(merged.getCategoryId()) == null) {
                errors.add(new ApiProblem.FieldError("categoryId", "is not a category"));
              }
              if (!errors.isEmpty()) {
                return Future.failedFuture(ApiProblem.invalid(errors));
              }
              return settings
                  .get()
                  .compose(
                      s ->
                          products.update(
                              caller,
                              current,
                              change.getFieldsList().contains("status")
                                  ? ProductRules.changedStatus(
                                      current.getStatus(),
                                      merged.getStatus(),
                                      caller.isAdmin(),
                                      s.getProductApprovalRequired())
                                  : current.getStatus(),
                              merged,
                              change.getFieldsList().contains("variants")))
                  .map(
                      updated ->
                          updated.orElseThrow(
                              () -> ApiProblem.notFound("No product " + current.getId() + ".")));
            });
  }

  Future<DeleteProductResult> deleteProduct(CallContext caller, DeleteProductRequest request) {
    caller.requireRole("seller", "admin");
    return owned(products, caller, request.getProductId())
        .compose(p -> products.softDelete(caller, p))
        .map(
            deleted -> {
              if (!deleted) {
                throw ApiProblem.notFound("No product " + request.getProductId() + ".");
              }
              return DeleteProductResult.getDefaultInstance();
            });
  }

  /**
   * The product when the caller may change it: 404 when there is none, 403 when it is another
   * seller's.
   */
  static Future<Product> owned(ProductStore products, CallContext caller, String productId) {
    UUID id = Ids.parse(productId);
    ApiProblem missing = ApiProblem.notFound("No product " + productId + ".");
    if (id == null) {
      return Future.failedFuture(missing);
    }
    return products
        .find(id)
        .map(
            found -> {
              Product p = found.orElseThrow(() -> missing);
              if (!caller.isAdmin() && !p.getSellerId().equals(caller.userId())) {
                throw ApiProblem.forbidden("This product belongs to another seller.");
              }
              return p;
            });
  }

  /** The product's current fields overlaid with the changed ones. */
  private static ProductDraft merge(Product current, ProductUpdate change) {
    ProductDraft v = change.getValues();
    ProductDraft.Builder d =
        ProductDraft.newBuilder()
            .setName(current.getName())
            .setDescription(current.getDescription())
            .setCategoryId(current.getCategoryId())
            .setPrice(current.getPrice())
            .setCurrency(current.getCurrency())
            .setSlug(current.getSlug())
            .setStatus(
                current.getStatus().equals("pending_review") ? "active" : current.getStatus());
    if (current.hasLowStockThreshold()) {
      d.setLowStockThreshold(current.getLowStockThreshold());
    }
    for (String field : change.getFieldsList()) {
      switch (field) {
        case "name" -> d.setName(v.getName());
        case "description" -> d.setDescription(v.getDescription());
        case "categoryId" -> d.setCategoryId(v.getCategoryId());
        case "price" -> d.setPrice(v.getPrice());
        case "currency" -> d.setCurrency(v.getCurrency());
        case "lowStockThreshold" -> {
          if (v.hasLowStockThreshold()) {
            d.setLowStockThreshold(v.getLowStockThreshold());
          } else {
            d.clearLowStockThreshold();
          }
        }
        case "status" -> d.setStatus(v.getStatus());
        case "slug" -> {
          if (v.getSlug().isEmpty()) {
            throw ApiProblem.invalid("slug", SlugRules.MALFORMED);
          }
          d.setSlug(v.getSlug());
        }
        case "variants" -> {
          if (v.getVariantsCount() == 0) {
            throw ApiProblem.invalid("variants", "must list at least one variant");
          }
          d.addAllVariants(v.getVariantsList());
        }
        default -> throw ApiProblem.invalid(field, "cannot be changed here");
      }
    }
    return d.build();
  }

  Future<Product> getProduct(CallContext caller, GetProductRequest request) {
    UUID id = Ids.parse(request.getProductId());
    ApiProblem missing = ApiProblem.notFound("No product " + request.getProductId() + ".");
    if (id == null) {
      return Future.failedFuture(missing);
    }
    return products
        .find(id)
        .map(
            found ->
                found
                    .filter(p -> visible(caller, p.getStatus(), p.getSellerId()))
                    .orElseThrow(() -> missing));
  }

  /**
   * Whose slug this is, for a caller who may see the product; a malformed slug is no product's and
   * is not looked up.
   */
  Future<ProductSlug> findBySlug(CallContext caller, FindProductBySlugRequest request) {
    String slug = request.getSlug();
    if (!SlugRules.isWellFormed(slug)) {
      return Future.failedFuture(ApiProblem.notFound("No product has this slug."));
    }
    ApiProblem missing = ApiProblem.notFound("No product has the slug " + slug + ".");
    return products
        .bySlug(slug)
        .map(
            found ->
                found
                    .filter(o -> visible(caller, o.status(), o.sellerId().toString()))
                    .map(
                        o ->
                            ProductSlug.newBuilder()
                                .setProductId(o.productId().toString())
                                .setSlug(o.slug())
                                .setRetired(!o.slug().equals(slug))
                                .build())
                    .orElseThrow(() -> missing));
  }

  /** Active products show to everyone, the others to their seller and admins only. */
  private static boolean visible(CallContext caller, String status, String sellerId) {
    return status.equals("active") || caller.isAdmin() || sellerId.equals(caller.userId());
  }

  Future<Product> createProduct(CallContext caller, ProductDraft draft) {
    UUID seller = caller.requireRole("seller", "admin");
    List<ApiProblem.FieldError> errors = new ArrayList<>(ProductRules.validate(draft));
    if (!draft.getCategoryId().isEmpty() && Ids.parse(draft.getCategoryId()) == null) {
      errors.add(new ApiProblem.FieldError("categoryId", "is not a category"));
    }
    if (!errors.isEmpty()) {
      return Future.failedFuture(ApiProblem.invalid(errors));
    }
    return settings
        .get()
        .compose(
            s ->
                products.create(
                    caller,
                    seller,
                    ProductRules.initialStatus(
                        draft.getStatus(), caller.isAdmin(), s.getProductApprovalRequired()),
                    draft));
  }

  Future<ProductPage> listMine(CallContext caller, ListMyProductsRequest request) {
    UUID seller = caller.requireRole("seller", "admin");
    return products.mine(seller, cursor(request), limit(request));
  }

  private static int limit(ListMyProductsRequest request) {
    if (request.getLimit() < 1 || request.getLimit() > MAX_PAGE) {
      throw ApiProblem.invalid("limit", "must be an integer from 1 to " + MAX_PAGE);
    }
    return request.getLimit();
  }

  private static Cursor cursor(ListMyProductsRequest request) {
    return request.getCursor().isEmpty()
        ? null
        : Cursor.decode(request.getCursor())
            .orElseThrow(() -> ApiProblem.invalid("cursor", "is not a cursor this API issued"));
  }
}
