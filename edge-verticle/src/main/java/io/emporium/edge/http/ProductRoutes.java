package io.emporium.edge.http;

import io.emporium.common.Ids;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.common.problem.ApiProblem;
import io.emporium.edge.cache.CatalogCache;
import io.emporium.edge.cache.InFlight;
import io.emporium.proto.catalog.v1.DeleteProductRequest;
import io.emporium.proto.catalog.v1.Facets;
import io.emporium.proto.catalog.v1.GetCategoryRequest;
import io.emporium.proto.catalog.v1.ProductSearch;
import io.emporium.proto.catalog.v1.GetProductRequest;
import io.emporium.proto.catalog.v1.ListMyProductsRequest;
import io.emporium.proto.catalog.v1.Product;
import io.emporium.proto.catalog.v1.ProductDraft;
import io.emporium.proto.catalog.v1.ProductPage;
import io.emporium.proto.catalog.v1.ProductUpdate;
import io.emporium.proto.catalog.v1.ReviewProductRequest;
import io.emporium.proto.catalog.v1.VariantDraft;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code /products}: the edge checks JSON types and shapes; the catalog owns the product rules
 * (names, prices, currencies, skus, statuses) and answers their 422s.
 */
public final class ProductRoutes {
  private static final long MAX_MONEY = 100_000_000_00L;
  private static final int MAX_COUNT = 1_000_000;
  /** The longest query text the catalog searches (SearchRules.MAX_QUERY); longer is a 422. */
  private static final int MAX_QUERY = 200;
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  /** Says whether a public read was served from the cache ({@code hit}) or the catalog ({@code miss}). */
  static final String CACHE_HEADER = "X-Cache";
  private static final Set<String> SEARCH_PARAMS =
      Set.of("q", "category", "seller", "minPrice", "maxPrice", "inStock", "sort", "limit", "cursor");
  private static final Set<String> CATEGORY_LISTING_PARAMS =
      Set.of("q", "seller", "minPrice", "maxPrice", "inStock", "sort", "limit", "cursor");

  private final GrpcCalls catalog;
  private final CatalogCache cache;
  private final InFlight<Product> productReads = new InFlight<>();
  private final InFlight<Reply> listingReads = new InFlight<>();

  public ProductRoutes(GrpcCalls catalog, CatalogCache cache) {
    this.catalog = catalog;
    this.cache = cache;
  }

  public void mount(Router api) {
    api.get("/products").handler(Endpoint.of(ctx -> search(ctx, null)));
    api.get("/categories/:id/products").handler(Endpoint.of(this::inCategory));
    api.get("/products/mine").handler(Endpoint.of(this::mine));
    api.get("/products/:id").handler(Endpoint.of(this::get));
    api.post("/products").handler(Endpoint.of(this::create));
    api.put("/products/:id").handler(Endpoint.of(ctx -> update(ctx, true)));
    api.patch("/products/:id").handler(Endpoint.of(ctx -> update(ctx, false)));
    api.delete("/products/:id").handler(Endpoint.of(this::delete));
    api.get("/admin/products/pending").handler(Endpoint.of(this::pending));
    api.post("/admin/products/:id/approve").handler(Endpoint.of(ctx -> review(ctx, true)));
    api.post("/admin/products/:id/reject").handler(Endpoint.of(ctx -> review(ctx, false)));
  }

  /** A category's products (and its subcategories'); 404 for a category that does not exist. */
  Future<Reply> inCategory(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return catalog.call(CatalogGrpcClient.GetCategory, GetCategoryRequest.newBuilder().setCategoryId(id).build(), Authn.callContext(ctx))
        .compose(found -> search(ctx, id));
  }

  /** The public listing: every parameter is checked here for its type, and by the catalog for its meaning. */
  Future<Reply> search(RoutingContext ctx, String categoryId) {
    MultiMap params = Paging.params(ctx, categoryId == null ? SEARCH_PARAMS : CATEGORY_LISTING_PARAMS);
    List<ApiProblem.FieldError> errors = new ArrayList<>();
    ProductSearch.Builder search = ProductSearch.newBuilder()
        .setQuery(orEmpty(params.get("q")))
        .setCategoryId(categoryId != null ? categoryId : orEmpty(params.get("category")))
        .setSellerId(orEmpty(params.get("seller")))
        .setSort(orEmpty(params.get("sort")))
        .setCursor(orEmpty(params.get("cursor")));
    Long min = wholeNumber(params, "minPrice", errors);
    if (min != null) {
      search.setMinPrice(min);
    }
    Long max = wholeNumber(params, "maxPrice", errors);
    if (max != null) {
      search.setMaxPrice(max);
    }
    String inStock = params.get("inStock");
    if (inStock != null && !inStock.equals("true") && !inStock.equals("false")) {
      errors.add(new ApiProblem.FieldError("inStock", "must be true or false"));
    }
    search.setInStock("true".equals(inStock));
    try {
      search.setLimit(Paging.limit(params));
    } catch (ApiProblem e) {
      errors.addAll(e.errors());
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
    ProductSearch request = search.build();
    return cache.listing(canonical(request)).compose(cached -> {
      if (cached.hit()) {
        ctx.response().putHeader(CACHE_HEADER, "hit");
        return Future.succeededFuture(Reply.encoded(cached.body()));
      }
      ctx.response().putHeader(CACHE_HEADER, "miss");
      return listingReads.share(canonical(request), () -> catalog.call(CatalogGrpcClient.SearchProducts, request, Authn.callContext(ctx))
          .map(page -> {
            String body = page(page).body().toString();
            cache.putListing(cached, body);
            return Reply.encoded(body);
          }));
    });
  }

  /**
   * A search as a cache key: every field, in a fixed order, whatever order the query string had; the query text in
   * lower case with single spaces, since the catalog searches its words whatever their case and spacing.
   */
  private static String canonical(ProductSearch s) {
    return String.join("\n", normalQuery(s.getQuery()), s.getCategoryId(), s.getSellerId(), s.hasMinPrice() ? "" + s.getMinPrice() : "",
        s.hasMaxPrice() ? "" + s.getMaxPrice() : "", "" + s.getInStock(), s.getSort(), "" + s.getLimit(), s.getCursor());
  }

  /** A query text the catalog would refuse for its length keeps its own key: only answers it accepts are cached. */
  private static String normalQuery(String q) {
    return q.length() > MAX_QUERY ? q : WHITESPACE.matcher(q.strip().toLowerCase(Locale.ROOT)).replaceAll(" ");
  }

  private static Long wholeNumber(MultiMap params, String name, List<ApiProblem.FieldError> errors) {
    String raw = params.get(name);
    if (raw == null) {
      return null;
    }
    if (raw.matches("\\d{1,15}")) {
      return Long.parseLong(raw);
    }
    errors.add(new ApiProblem.FieldError(name, "must be a whole number of minor units, 0 or more"));
    return null;
  }

  Future<Reply> pending(RoutingContext ctx) {
    Authn.requireRole(ctx, "admin");
    return catalog.call(CatalogGrpcClient.ListPendingProducts, pageRequest(ctx), Authn.callContext(ctx)).map(ProductRoutes::page);
  }

  /** Approve makes a pending product active; reject sends it back to draft with the reason. */
  Future<Reply> review(RoutingContext ctx, boolean approve) {
    Authn.requireRole(ctx, "admin");
    // approving takes no body
    Fields f = new Fields(approve ? new JsonObject() : JsonBodies.object(ctx));
    String reason = approve ? null : f.required("reason", 1000);
    f.throwIfInvalid();
    ReviewProductRequest request = ReviewProductRequest.newBuilder().setProductId(ctx.pathParam("id")).setApprove(approve)
        .setReason(reason == null ? "" : reason).build();
    return catalog.call(CatalogGrpcClient.ReviewProduct, request, Authn.callContext(ctx)).compose(this::changed)
        .map(p -> Reply.ok(json(p)));
  }

  /**
   * PUT replaces every own field (absent optional ones are cleared); PATCH changes only those given.
   * Either replaces the variants when the body has them, and leaves them alone when it has not.
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
    if (body.containsKey("variants")) {
      variants(body, f, values, false);
      change.addFields("variants");
    }
    f.forbid("images", "change through POST and DELETE /products/{id}/images");
    f.forbid("stock", "changes through PUT /inventory/{sku}");
    f.forbid("sellerId", "cannot change");
    f.forbid("id", "cannot change");
    f.throwIfInvalid();
    return catalog.call(CatalogGrpcClient.UpdateProduct, change.setValues(values).build(), Authn.callContext(ctx))
        .compose(this::changed).map(p -> Reply.ok(json(p)));
  }

  Future<Reply> delete(RoutingContext ctx) {
    Authn.requireRole(ctx, "seller", "admin");
    return catalog.call(CatalogGrpcClient.DeleteProduct,
        DeleteProductRequest.newBuilder().setProductId(ctx.pathParam("id")).build(), Authn.callContext(ctx))
        .compose(r -> cache.productChanged(ctx.pathParam("id"))).map(r -> Reply.noContent());
  }

  /** A public product page comes from the cache when it is there; pages only their owner or an admin may see never go in. */
  Future<Reply> get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Future<CatalogCache.Entry> lookup = Ids.parse(id) == null ? Future.succeededFuture(CatalogCache.Entry.none()) : cache.product(id);
    return lookup.compose(cached -> {
      if (cached.hit()) {
        ctx.response().putHeader(CACHE_HEADER, "hit");
        return Future.succeededFuture(Reply.encoded(cached.body()));
      }
      ctx.response().putHeader(CACHE_HEADER, "miss");
      GetProductRequest request = GetProductRequest.newBuilder().setProductId(id).build();
      // what a product read answers depends on who asks (drafts show to their seller), so only the same caller shares one
      String reader = id + "/" + Authn.callContext(ctx).userId();
      return productReads.share(reader, () -> catalog.call(CatalogGrpcClient.GetProduct, request, Authn.callContext(ctx))).map(p -> {
        // encoded once: the same text goes to the caches and to the client
        String body = json(p).encode();
        if (p.getStatus().equals("active")) {
          cache.putProduct(cached, body);
        } else {
          cache.notCached(cached);
        }
        return Reply.encoded(body);
      }).onFailure(e -> cache.notCached(cached));
    });
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
    variants(body, f, draft, true);
    images(body, f, draft);
    f.forbid("sellerId", "is the caller");
    f.forbid("id", "is assigned by the catalog");
    f.throwIfInvalid();
    return catalog.call(CatalogGrpcClient.CreateProduct, draft.build(), Authn.callContext(ctx)).compose(this::changed)
        .map(p -> Reply.created(json(p)));
  }

  /** The variants of a body; a new product's must each say their stock, a change's only new ones (the catalog knows which). */
  private static void variants(JsonObject body, Fields f, ProductDraft.Builder draft, boolean stockRequired) {
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
      f.check(at + "stock", !stockRequired || stock != null || f.hasError(at + "stock"), "is required");
      if (stock != null) {
        variant.setStock(stock.intValue());
      }
      Object attributes = v.getValue("attributes");
      if (attributes instanceof JsonObject a) {
        a.forEach(e -> {
          if (e.getValue() instanceof String || e.getValue() instanceof Number || e.getValue() instanceof Boolean) {
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
    return catalog.call(CatalogGrpcClient.ListMyProducts, pageRequest(ctx), Authn.callContext(ctx)).map(ProductRoutes::page);
  }

  private static ListMyProductsRequest pageRequest(RoutingContext ctx) {
    MultiMap params = Paging.params(ctx, Set.of("limit", "cursor"));
    return ListMyProductsRequest.newBuilder().setLimit(Paging.limit(params))
        .setCursor(params.get("cursor") == null ? "" : params.get("cursor")).build();
  }

  private static Reply page(ProductPage page) {
    JsonArray items = new JsonArray();
    page.getProductsList().forEach(p -> items.add(json(p)));
    JsonObject body = new JsonObject().put("items", items)
        .put("nextCursor", page.getNextCursor().isEmpty() ? null : page.getNextCursor());
    if (page.hasFacets()) {
      Facets f = page.getFacets();
      JsonArray categories = new JsonArray();
      f.getCategoriesList().forEach(c -> categories.add(new JsonObject()
          .put("categoryId", c.getCategoryId().isEmpty() ? null : c.getCategoryId()).put("count", c.getCount())));
      JsonArray prices = new JsonArray();
      f.getPriceRangesList().forEach(r -> prices.add(new JsonObject()
          .put("min", r.getMin()).put("max", r.hasMax() ? r.getMax() : null).put("count", r.getCount())));
      body.put("total", f.getTotal()).put("facets", new JsonObject().put("categories", categories).put("priceRanges", prices));
    }
    return Reply.ok(body);
  }

  static JsonObject json(Product p) {
    JsonArray images = new JsonArray();
    p.getImagesList().forEach(i -> images.add(ImageRoutes.json(i)));
    JsonArray variants = new JsonArray();
    p.getVariantsList().forEach(v -> variants.add(new JsonObject()
        .put("sku", v.getSku())
        .put("attributes", new JsonObject(new TreeMap<>(v.getAttributesMap())))
        .put("price", v.getPrice())
        .put("stock", v.getStock())
        .put("available", v.getAvailable())));
    return new JsonObject()
        .put("id", p.getId())
        .put("sellerId", p.getSellerId())
        .put("name", p.getName())
        .put("description", p.getDescription())
        .put("categoryId", p.getCategoryId().isEmpty() ? null : p.getCategoryId())
        .put("price", p.getPrice())
        .put("currency", p.getCurrency())
        .put("status", p.getStatus())
        .put("lowStockThreshold", p.hasLowStockThreshold() ? p.getLowStockThreshold() : null)
        .put("reviewNote", p.getReviewNote().isEmpty() ? null : p.getReviewNote())
        .put("rating", new JsonObject().put("average", p.getRating().getAverage()).put("count", p.getRating().getCount()))
        .put("variants", variants)
        .put("images", images)
        .put("createdAt", p.getCreatedAt())
        .put("updatedAt", p.getUpdatedAt());
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
