package io.emporium.catalog.store;

import io.emporium.proto.catalog.v1.ProductSummary;
import io.emporium.proto.catalog.v1.WishedProduct;
import io.emporium.proto.catalog.v1.Wishlist;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/** Customers' wishlists in the {@code catalog} schema; products deleted since stay out of view. */
public final class WishlistStore {
  public static final int MAX_ITEMS = 500;
  private static final String LIST =
      """
      SELECT p.id, p.slug, p.name, p.price, p.currency, w.added_at
      FROM catalog.wishlist_items w JOIN catalog.products p ON p.id = w.product_id
      WHERE w.user_id = $1 AND p.deleted_at IS NULL AND p.status = 'active'
      ORDER BY w.added_at DESC, p.id""";
  private static final String ADD =
      """
      INSERT INTO catalog.wishlist_items (user_id, product_id)
      SELECT $1, id FROM catalog.products WHERE id = $2 AND status = 'active' AND deleted_at IS NULL
        AND (SELECT count(*) FROM catalog.wishlist_items WHERE user_id = $1) < %d
      ON CONFLICT DO NOTHING"""
          .formatted(MAX_ITEMS);
  private static final String REMOVE =
      "DELETE FROM catalog.wishlist_items WHERE user_id = $1 AND product_id = $2";

  private final Pool pool;

  public WishlistStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Wishlist> of(UUID userId) {
    return pool.preparedQuery(LIST)
        .execute(Tuple.of(userId))
        .map(
            rows -> {
              Wishlist.Builder list = Wishlist.newBuilder();
              rows.forEach(
                  r ->
                      list.addItems(
                          WishedProduct.newBuilder()
                              .setProduct(
                                  ProductSummary.newBuilder()
                                      .setId(r.getUUID("id").toString())
                                      .setSlug(r.getString("slug"))
                                      .setName(r.getString("name"))
                                      .setPrice(r.getLong("price"))
                                      .setCurrency(r.getString("currency")))
                              .setAddedAt(
                                  DateTimeFormatter.ISO_INSTANT.format(
                                      r.getOffsetDateTime("added_at")
                                          .withOffsetSameInstant(ZoneOffset.UTC)))));
              return list.build();
            });
  }

  /**
   * Adds an active product; false when there is no such product or the list is full (a repeat is
   * true).
   */
  public Future<Boolean> add(UUID userId, UUID productId) {
    return pool.preparedQuery(ADD)
        .execute(Tuple.of(userId, productId))
        .compose(
            rows ->
                rows.rowCount() == 1
                    ? Future.succeededFuture(true)
                    : of(userId)
                        .map(
                            list ->
                                list.getItemsList().stream()
                                    .anyMatch(
                                        i -> i.getProduct().getId().equals(productId.toString()))));
  }

  public Future<Void> remove(UUID userId, UUID productId) {
    return pool.preparedQuery(REMOVE).execute(Tuple.of(userId, productId)).mapEmpty();
  }
}
