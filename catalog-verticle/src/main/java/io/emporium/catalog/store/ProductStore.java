package io.emporium.catalog.store;

import io.emporium.proto.catalog.v1.Product;
import io.emporium.proto.catalog.v1.Variant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.UUID;

/** Products and their variants in the {@code catalog} schema. */
public final class ProductStore {
  private static final String PUBLIC_PRODUCT = """
      SELECT p.id, p.seller_id, p.name, p.description, p.category_id, p.price, p.currency, p.status, p.created_at,
             v.sku, v.attributes, v.price AS variant_price, v.stock, v.stock - v.reserved AS available
      FROM catalog.products p
      LEFT JOIN catalog.variants v ON v.product_id = p.id
      WHERE p.id = $1 AND p.status = 'active' AND p.deleted_at IS NULL
      ORDER BY v.position, v.sku""";

  private final Pool pool;

  public ProductStore(Pool pool) {
    this.pool = pool;
  }

  /** A publicly visible product (active, not deleted), with its variants. */
  public Future<Optional<Product>> findPublic(UUID id) {
    return pool.preparedQuery(PUBLIC_PRODUCT).execute(Tuple.of(id)).map(rows -> {
      Product.Builder product = null;
      for (Row row : rows) {
        if (product == null) {
          product = Product.newBuilder()
              .setId(row.getUUID("id").toString())
              .setSellerId(row.getUUID("seller_id").toString())
              .setName(row.getString("name"))
              .setDescription(row.getString("description"))
              .setCategoryId(row.getUUID("category_id") == null ? "" : row.getUUID("category_id").toString())
              .setPrice(row.getLong("price"))
              .setCurrency(row.getString("currency"))
              .setStatus(row.getString("status"))
              .setCreatedAt(DateTimeFormatter.ISO_INSTANT.format(row.getOffsetDateTime("created_at").withOffsetSameInstant(ZoneOffset.UTC)));
        }
        if (row.getString("sku") != null) {
          Variant.Builder variant = Variant.newBuilder()
              .setSku(row.getString("sku"))
              .setPrice(row.getLong("variant_price") == null ? row.getLong("price") : row.getLong("variant_price"))
              .setStock(row.getInteger("stock"))
              .setAvailable(row.getInteger("available"));
          JsonObject attributes = (JsonObject) row.getValue("attributes");
          attributes.forEach(e -> variant.putAttributes(e.getKey(), String.valueOf(e.getValue())));
          product.addVariants(variant);
        }
      }
      return Optional.ofNullable(product).map(Product.Builder::build);
    });
  }
}
