package io.emporium.edge.http.seller;

import io.emporium.common.grpc.GrpcCalls;
import io.emporium.edge.cache.CatalogCache;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Fields;
import io.emporium.edge.http.JsonBodies;
import io.emporium.edge.http.Paging;
import io.emporium.edge.http.Reply;
import io.emporium.edge.http.json.ProductJson;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.DeleteProductRequest;
import io.emporium.proto.catalog.v1.ListMyProductsRequest;
import io.emporium.proto.catalog.v1.Product;
import io.emporium.proto.catalog.v1.ProductDraft;
import io.emporium.proto.catalog.v1.ProductUpdate;
import io.emporium.proto.catalog.v1.VariantDraft;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * A seller's products (an admin may act for any seller): {@code /products/mine}, and creating,
 * changing and deleting them. The edge checks JSON types and shapes; the catalog owns the product
 * rules (names, prices, currencies, skus, statuses) and answers their 422s.
 */
public final class SellerProductRoutes {
  private static final long MAX_MONEY = 100_000_000_00L;
  private static final int MAX_COUNT = 1_000_000;

  /** Longer than any slug the catalog takes (it says why a slug cannot be one). */
  private static final int MAX_SLUG = 200;

  private final GrpcCalls catalog;
  private final CatalogCache cache;

  public SellerProductRoutes(GrpcCalls catalog, CatalogCache cache) {
    this.catalog = catalog;
    this.cache = cache;
  }

  /**
   * Mounted before the shop's routes: {@code /products/mine} must come ahead of {@code
   * /products/:id}.
   */
  public void mount(Router api) {
    api.get("/products/mine").handler(Endpoint.of(this::mine));
    api.post("/products").handler(Endpoint.of(this::create));
    api.put("/products/:id").handler(Endpoint.of(ctx -> update(ctx, true)));
    api.patch("/products/:id").handler(Endpoint.of(ctx -> update(ctx, false)));
    api.delete("/products/:id").handler(Endpoint.of(this::delete));
  }

  /**
   * PUT replaces every own field (absent optional ones are cleared, but for the slug); PATCH
   * changes only those given. Either replaces the variants when the body has them, and leaves them
   * alone when it has not.
   */
  Future<Reply> update(RoutingContext ctx, boolean replace) {
    Authn.requireRole(ctx, "seller", "admin");
    JsonObject body = JsonBodies.object(ctx);
    Fields f = new Fields(body);
    ProductUpdate.Builder change = ProductUpdate.newBuilder().setProductId(ctx.pathParam("id"));
    ProductDraft.Builder values = ProductDraft.newBuilder();
    if (replace || body.containsKey("name")) {
      values.setName(orEmpty(f.required("name", 1000)));
      change.addFields("name");
    }
    if (replace || body.containsKey("description")) {
      values.setDescription(orEmpty(f.optional("description", 20_000)));
      change.addFields("description");
    }
    if (replace || body.containsKey("categoryId")) {
      values.setCategoryId(orEmpty(f.optional("categoryId", 64)));
      change.addFields("categoryId");
    }
    if (replace || body.containsKey("price")) {
      Long price = f.wholeNumber("price", -MAX_MONEY, MAX_MONEY);
      f.check("price", price != null || f.hasError("price"), "is required");
      values.setPrice(price == null ? 0 : price);
      change.addFields("price");
    }
    if (replace || body.containsKey("currency")) {
      values.setCurrency(orEmpty(f.required("currency", 10)));
      change.addFields("currency");
    }
    if (replace || body.containsKey("lowStockThreshold")) {
      Integer threshold = f.integer("lowStockThreshold", -MAX_COUNT, MAX_COUNT);
      if (threshold != null) {
        values.setLowStockThreshold(threshold);
      }
      change.addFields("lowStockThreshold");
    }
    if (body.containsKey("status")) {
      values.setStatus(orEmpty(f.required("status", 20)));
      change.addFields("status");
    }
    // a slug is never cleared: PUT without one keeps it
    if (body.containsKey("slug")) {
      values.setSlug(orEmpty(f.required("slug", MAX_SLUG)));
      change.addFields("slug");
    }
    if (body.containsKey("variants")) {
      variants(body, f, values, false);
      change.addFields("variants");
    }
    f.forbid("images", "change through POST and DELETE /products/{id}/images");
    f.forbid("stock", "changes through PUT /inventory/{sku}");
    f.forbid("sellerId", "cannot change");
    f.forbid("id", "cannot change");
    f.throwIfInvalid();
    return catalog
        .call(
            CatalogGrpcClient.UpdateProduct,
            change.setValues(values).build(),
            Authn.callContext(ctx))
        .compose(this::changed)
        .map(p -> Reply.ok(ProductJson.of(p)));
  }

  Future<Reply> delete(RoutingContext ctx) {
    Authn.requireRole(ctx, "seller", "admin");
    return catalog
        .call(
            CatalogGrpcClient.DeleteProduct,
            DeleteProductRequest.newBuilder().setProductId(ctx.pathParam("id")).build(),
            Authn.callContext(ctx))
        .compose(r -> cache.productChanged(ctx.pathParam("id")))
        .map(r -> Reply.noContent());
  }

  /** Drops the cached page of the product a change answered with, before the change is answered. */
  private Future<Product> changed(Product p) {
    return cache.productChanged(p.getId()).map(p);
  }

  Future<Reply> create(RoutingContext ctx) {
    Authn.requireRole(ctx, "seller", "admin");
    JsonObject body = JsonBodies.object(ctx);
    Fields f = new Fields(body);
    ProductDraft.Builder draft = ProductDraft.newBuilder();
    draft.setName(orEmpty(f.required("name", 1000)));
    draft.setDescription(orEmpty(f.optional("description", 20_000)));
    draft.setCategoryId(orEmpty(f.optional("categoryId", 64)));
    Long price = f.wholeNumber("price", -MAX_MONEY, MAX_MONEY);
    f.check("price", price != null || f.hasError("price"), "is required");
    draft.setPrice(price == null ? 0 : price);
    draft.setCurrency(orEmpty(f.required("currency", 10)));
    Integer stock = f.integer("stock", -MAX_COUNT, MAX_COUNT);
    if (stock != null) {
      draft.setStock(stock);
    }
    Integer threshold = f.integer("lowStockThreshold", -MAX_COUNT, MAX_COUNT);
    if (threshold != null) {
      draft.setLowStockThreshold(threshold);
    }
    draft.setStatus(orEmpty(f.optional("status", 20)));
    draft.setSlug(orEmpty(f.optional("slug", MAX_SLUG)));
    variants(body, f, draft, true);
    images(body, f, draft);
    f.forbid("sellerId", "is the caller");
    f.forbid("id", "is assigned by the catalog");
    f.throwIfInvalid();
    return catalog
        .call(CatalogGrpcClient.CreateProduct, draft.build(), Authn.callContext(ctx))
        .compose(this::changed)
        .map(p -> Reply.created(ProductJson.of(p)));
  }

  /**
   * The variants of a body; a new product's must each say their stock, a change's only new ones
   * (the catalog knows which).
   */
  private static void variants(
      JsonObject body, Fields f, ProductDraft.Builder draft, boolean stockRequired) {
    Object raw = body.getValue("variants");
    if (raw == null) {
      return;
    }
    if (!(raw instanceof JsonArray list)) {
      f.error("variants", "must be an array");
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      String at = "variants[" + i + "].";
      if (!(list.getValue(i) instanceof JsonObject v)) {
        f.error("variants[" + i + "]", "must be an object");
        continue;
      }
      VariantDraft.Builder variant = VariantDraft.newBuilder();
      if (v.getValue("sku") instanceof String sku) {
        variant.setSku(sku.strip());
      } else {
        f.error(at + "sku", "is required");
      }
      Long price = f.wholeNumber(at + "price", v.getValue("price"), -MAX_MONEY, MAX_MONEY);
      if (price != null) {
        variant.setPrice(price);
      }
      Long stock = f.wholeNumber(at + "stock", v.getValue("stock"), -MAX_COUNT, MAX_COUNT);
      f.check(
          at + "stock", !stockRequired || stock != null || f.hasError(at + "stock"), "is required");
      if (stock != null) {
        variant.setStock(stock.intValue());
      }
      Object attributes = v.getValue("attributes");
      if (attributes instanceof JsonObject a) {
        a.forEach(
            e -> {
              if (e.getValue() instanceof String
                  || e.getValue() instanceof Number
                  || e.getValue() instanceof Boolean) {
                variant.putAttributes(e.getKey(), String.valueOf(e.getValue()));
              } else {
                f.error(at + "attributes." + e.getKey(), "must be a string, number or boolean");
              }
            });
      } else if (attributes != null) {
        f.error(at + "attributes", "must be an object");
      }
      draft.addVariants(variant);
    }
  }

  /** Image URLs as strings; the catalog judges the URLs themselves. */
  private static void images(JsonObject body, Fields f, ProductDraft.Builder draft) {
    Object raw = body.getValue("images");
    if (raw == null) {
      return;
    }
    if (!(raw instanceof JsonArray list)) {
      f.error("images", "must be an array of URLs");
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      if (list.getValue(i) instanceof String url) {
        draft.addImageUrls(url.strip());
      } else {
        f.error("images[" + i + "]", "must be a URL string");
      }
    }
  }

  Future<Reply> mine(RoutingContext ctx) {
    Authn.requireRole(ctx, "seller", "admin");
    return catalog
        .call(CatalogGrpcClient.ListMyProducts, pageRequest(ctx), Authn.callContext(ctx))
        .map(page -> Reply.ok(ProductJson.page(page)));
  }

  private static ListMyProductsRequest pageRequest(RoutingContext ctx) {
    MultiMap params = Paging.params(ctx, Set.of("limit", "cursor"));
    return ListMyProductsRequest.newBuilder()
        .setLimit(Paging.limit(params))
        .setCursor(params.get("cursor") == null ? "" : params.get("cursor"))
        .build();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
