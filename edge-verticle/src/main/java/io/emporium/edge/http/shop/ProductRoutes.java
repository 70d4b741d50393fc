package io.emporium.edge.http.shop;

import io.emporium.common.Ids;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.edge.cache.CatalogCache;
import io.emporium.edge.cache.InFlight;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.Paging;
import io.emporium.edge.http.Reply;
import io.emporium.edge.http.json.ProductJson;
import io.emporium.proto.catalog.v1.CatalogGrpcClient;
import io.emporium.proto.catalog.v1.FindProductBySlugRequest;
import io.emporium.proto.catalog.v1.GetCategoryRequest;
import io.emporium.proto.catalog.v1.GetProductRequest;
import io.emporium.proto.catalog.v1.Product;
import io.emporium.proto.catalog.v1.ProductSearch;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /products} as shoppers read it: the listing (also a category's), and one product; from the
 * cache when it holds them. The edge checks the parameters' types; the catalog owns their meaning.
 */
public final class ProductRoutes {
  /** The longest query text the catalog searches (SearchRules.MAX_QUERY); longer is a 422. */
  private static final int MAX_QUERY = 200;

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  /**
   * Says whether a public read was served from the cache ({@code hit}) or the catalog ({@code
   * miss}).
   */
  static final String CACHE_HEADER = "X-Cache";

  private static final String BY_SLUG_PATH = "/api/v1/products/by-slug/";

  private static final Set<String> SEARCH_PARAMS =
      Set.of(
          "q", "category", "seller", "minPrice", "maxPrice", "inStock", "sort", "limit", "cursor");
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

  /**
   * Mounted after the categories' routes ({@code /categories/by-slug/products} is a category's
   * slug) and before the reviews' ({@code /products/by-slug/reviews} is a product's).
   */
  public void mount(Router api) {
    api.get("/products").handler(Endpoint.of(ctx -> search(ctx, null)));
    api.get("/categories/:id/products").handler(Endpoint.of(this::inCategory));
    api.get("/products/by-slug/:slug").handler(Endpoint.of(this::bySlug));
    api.get("/products/:id").handler(Endpoint.of(this::get));
  }

  /** A category's products (and its subcategories'); 404 for a category that does not exist. */
  Future<Reply> inCategory(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return catalog
        .call(
            CatalogGrpcClient.GetCategory,
            GetCategoryRequest.newBuilder().setCategoryId(id).build(),
            Authn.callContext(ctx))
        .compose(found -> search(ctx, id));
  }

  /**
   * The public listing: every parameter is checked here for its type, and by the catalog for its
   * meaning.
   */
  Future<Reply> search(RoutingContext ctx, String categoryId) {
    MultiMap params =
        Paging.params(ctx, categoryId == null ? SEARCH_PARAMS : CATEGORY_LISTING_PARAMS);
    List<ApiProblem.FieldError> errors = new ArrayList<>();
    ProductSearch.Builder search =
        ProductSearch.newBuilder()
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
    return cache
        .listing(canonical(request))
        .compose(
            cached -> {
              if (cached.hit()) {
                ctx.response().putHeader(CACHE_HEADER, "hit");
                return Future.succeededFuture(Reply.encoded(cached.body()));
              }
              ctx.response().putHeader(CACHE_HEADER, "miss");
              return listingReads.share(
                  canonical(request),
                  () ->
                      catalog
                          .call(CatalogGrpcClient.SearchProducts, request, Authn.callContext(ctx))
                          .map(
                              page -> {
                                String body = ProductJson.page(page).toString();
                                cache.putListing(cached, body);
                                return Reply.encoded(body);
                              }));
            });
  }

  /**
   * A search as a cache key: every field, in a fixed order, whatever order the query string had;
   * the query text in lower case with single spaces, since the catalog searches its words whatever
   * their case and spacing.
   */
  private static String canonical(ProductSearch s) {
    return String.join(
        "\n",
        normalQuery(s.getQuery()),
        s.getCategoryId(),
        s.getSellerId(),
        s.hasMinPrice() ? "" + s.getMinPrice() : "",
        s.hasMaxPrice() ? "" + s.getMaxPrice() : "",
        "" + s.getInStock(),
        s.getSort(),
        "" + s.getLimit(),
        s.getCursor());
  }

  /**
   * A query text the catalog would refuse for its length keeps its own key: only answers it accepts
   * are cached.
   */
  private static String normalQuery(String q) {
    return q.length() > MAX_QUERY
        ? q
        : WHITESPACE.matcher(q.strip().toLowerCase(Locale.ROOT)).replaceAll(" ");
  }

  private static Long wholeNumber(
      MultiMap params, String name, List<ApiProblem.FieldError> errors) {
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

  /**
   * A product by its slug, answered as by its id once the catalog says whose slug it is (never
   * cached, so a renamed product's old slug cannot be served from a cache); an old slug is a 301 to
   * the current one.
   */
  Future<Reply> bySlug(RoutingContext ctx) {
    return catalog
        .call(
            CatalogGrpcClient.FindProductBySlug,
            FindProductBySlugRequest.newBuilder().setSlug(ctx.pathParam("slug")).build(),
            Authn.callContext(ctx))
        .compose(
            found -> {
              if (found.getRetired()) {
                // not kept by clients (no-store, as every answer): a product may take an old slug
                // back
                ctx.response().putHeader("Location", BY_SLUG_PATH + found.getSlug());
                return Future.succeededFuture(Reply.movedPermanently());
              }
              return product(ctx, found.getProductId());
            });
  }

  Future<Reply> get(RoutingContext ctx) {
    return product(ctx, ctx.pathParam("id"));
  }

  /**
   * A public product page comes from the cache when it is there; pages only their owner or an admin
   * may see never go in.
   */
  private Future<Reply> product(RoutingContext ctx, String id) {
    Future<CatalogCache.Entry> lookup =
        Ids.parse(id) == null
            ? Future.succeededFuture(CatalogCache.Entry.none())
            : cache.product(id);
    return lookup.compose(
        cached -> {
          if (cached.hit()) {
            ctx.response().putHeader(CACHE_HEADER, "hit");
            return Future.succeededFuture(Reply.encoded(cached.body()));
          }
          ctx.response().putHeader(CACHE_HEADER, "miss");
          GetProductRequest request = GetProductRequest.newBuilder().setProductId(id).build();
          // what a product read answers depends on who asks (drafts show to their seller), so only
          // the same caller shares one
          String reader = id + "/" + Authn.callContext(ctx).userId();
          return productReads
              .share(
                  reader,
                  () -> catalog.call(CatalogGrpcClient.GetProduct, request, Authn.callContext(ctx)))
              .map(
                  p -> {
                    // encoded once: the same text goes to the caches and to the client
                    String body = ProductJson.of(p).encode();
                    if (p.getStatus().equals("active")) {
                      cache.putProduct(cached, body);
                    } else {
                      cache.notCached(cached);
                    }
                    return Reply.encoded(body);
                  })
              .onFailure(e -> cache.notCached(cached));
        });
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
