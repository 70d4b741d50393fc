package io.emporium.catalog.store;

import io.emporium.proto.catalog.v1.VariantOffer;
import io.emporium.proto.catalog.v1.VariantOffers;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;

/**
 * Variants as buyers meet them: the current price, name and availability, and whether they can be
 * bought.
 */
public final class OfferStore {
  private static final String OFFERS =
      """
      SELECT v.sku, v.product_id, p.name, p.seller_id, coalesce(v.price, p.price) AS price, p.currency,
             v.stock - v.reserved AS available, p.status = 'active' AND p.deleted_at IS NULL AS purchasable, p.category_id
      FROM catalog.variants v JOIN catalog.products p ON p.id = v.product_id
      WHERE v.removed_at IS NULL AND (v.sku = ANY($1) OR v.product_id = ANY($2))
      ORDER BY v.product_id, v.position, v.sku""";

  private final Pool pool;

  public OfferStore(Pool pool) {
    this.pool = pool;
  }

  public Future<VariantOffers> lookup(List<String> skus, List<UUID> productIds) {
    Tuple args =
        Tuple.tuple()
            .addValue(skus.toArray(String[]::new))
            .addValue(productIds.toArray(UUID[]::new));
    return pool.preparedQuery(OFFERS)
        .execute(args)
        .map(
            rows -> {
              VariantOffers.Builder out = VariantOffers.newBuilder();
              for (Row r : rows) {
                out.addOffers(
                    VariantOffer.newBuilder()
                        .setSku(r.getString("sku"))
                        .setProductId(r.getUUID("product_id").toString())
                        .setProductName(r.getString("name"))
                        .setSellerId(r.getUUID("seller_id").toString())
                        .setPrice(r.getLong("price"))
                        .setCurrency(r.getString("currency"))
                        .setAvailable(r.getInteger("available"))
                        .setPurchasable(r.getBoolean("purchasable"))
                        .setCategoryId(
                            r.getUUID("category_id") == null
                                ? ""
                                : r.getUUID("category_id").toString()));
              }
              return out.build();
            });
  }
}
