package io.emporium.edge.http.json;

import io.emporium.proto.catalog.v1.Facets;
import io.emporium.proto.catalog.v1.Image;
import io.emporium.proto.catalog.v1.Product;
import io.emporium.proto.catalog.v1.ProductPage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.TreeMap;

/**
 * A product as the API shows it, to shoppers, its seller and admins alike; the catalog chose what
 * it holds.
 */
public final class ProductJson {
  private static final String IMAGES_PATH = "/api/v1/images/";

  private ProductJson() {}

  public static JsonObject of(Product p) {
    JsonArray images = new JsonArray();
    p.getImagesList().forEach(i -> images.add(image(i)));
    JsonArray variants = new JsonArray();
    p.getVariantsList()
        .forEach(
            v ->
                variants.add(
                    new JsonObject()
                        .put("sku", v.getSku())
                        .put("attributes", new JsonObject(new TreeMap<>(v.getAttributesMap())))
                        .put("price", v.getPrice())
                        .put("stock", v.getStock())
                        .put("available", v.getAvailable())));
    return new JsonObject()
        .put("id", p.getId())
        .put("sellerId", p.getSellerId())
        .put("slug", p.getSlug())
        .put("name", p.getName())
        .put("description", p.getDescription())
        .put("categoryId", p.getCategoryId().isEmpty() ? null : p.getCategoryId())
        .put("price", p.getPrice())
        .put("currency", p.getCurrency())
        .put("status", p.getStatus())
        .put("lowStockThreshold", p.hasLowStockThreshold() ? p.getLowStockThreshold() : null)
        .put("reviewNote", p.getReviewNote().isEmpty() ? null : p.getReviewNote())
        .put(
            "rating",
            new JsonObject()
                .put("average", p.getRating().getAverage())
                .put("count", p.getRating().getCount()))
        .put("variants", variants)
        .put("images", images)
        .put("createdAt", p.getCreatedAt())
        .put("updatedAt", p.getUpdatedAt());
  }

  public static JsonObject page(ProductPage page) {
    JsonArray items = new JsonArray();
    page.getProductsList().forEach(p -> items.add(of(p)));
    JsonObject body =
        new JsonObject()
            .put("items", items)
            .put("nextCursor", page.getNextCursor().isEmpty() ? null : page.getNextCursor());
    if (page.hasFacets()) {
      Facets f = page.getFacets();
      JsonArray categories = new JsonArray();
      f.getCategoriesList()
          .forEach(
              c ->
                  categories.add(
                      new JsonObject()
                          .put("categoryId", c.getCategoryId().isEmpty() ? null : c.getCategoryId())
                          .put("count", c.getCount())));
      JsonArray prices = new JsonArray();
      f.getPriceRangesList()
          .forEach(
              r ->
                  prices.add(
                      new JsonObject()
                          .put("min", r.getMin())
                          .put("max", r.hasMax() ? r.getMax() : null)
                          .put("count", r.getCount())));
      body.put("total", f.getTotal())
          .put("facets", new JsonObject().put("categories", categories).put("priceRanges", prices));
    }
    return body;
  }

  /** An image as products show it: an upload's URL is where this edge serves it. */
  public static JsonObject image(Image i) {
    return new JsonObject()
        .put("id", i.getId())
        .put("url", i.getUrl().isEmpty() ? IMAGES_PATH + i.getId() : i.getUrl());
  }
}
