package io.emporium.catalog.store;

import io.emporium.catalog.publish.CatalogEvents;
import io.emporium.common.Cursor;
import io.emporium.proto.catalog.v1.Review;
import io.emporium.proto.catalog.v1.ReviewDraft;
import io.emporium.proto.catalog.v1.ReviewPage;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Reviews of products; each one also moves its product's rating, in the same statement. */
public final class ReviewStore {
  private static final String ADD =
      """
      WITH inserted AS (
        INSERT INTO catalog.reviews (id, product_id, user_id, rating, title, body, verified_purchase)
        SELECT $1, p.id, $3, $4, $5, $6,
               EXISTS (SELECT 1 FROM catalog.purchases b WHERE b.user_id = $3 AND b.product_id = p.id)
        FROM catalog.products p WHERE p.id = $2 AND p.status = 'active' AND p.deleted_at IS NULL
        ON CONFLICT (product_id, user_id) DO NOTHING
        RETURNING *
      ), rated AS (
        UPDATE catalog.products SET rating_count = rating_count + 1, rating_sum = rating_sum + inserted.rating
        FROM inserted WHERE products.id = inserted.product_id
      )
      SELECT * FROM inserted""";
  private static final String PAGE =
      """
      SELECT * FROM catalog.reviews
      WHERE product_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
      ORDER BY created_at DESC, id DESC LIMIT $4""";

  private final Pool pool;
  private final CatalogEvents events;

  public ReviewStore(Pool pool, CatalogEvents events) {
    this.pool = pool;
    this.events = events;
  }

  /**
   * Saves the author's review of a public product; empty when the product is not public or they
   * reviewed it already.
   */
  public Future<Review> add(UUID author, UUID productId, ReviewDraft d) {
    Tuple args =
        Tuple.of(
            UUID.randomUUID(),
            productId,
            author,
            (short) d.getRating(),
            d.getTitle().isBlank() ? null : d.getTitle().strip(),
            d.getBody().strip());
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(ADD)
                .execute(args)
                .compose(
                    rows ->
                        rows.size() == 1
                            ? events
                                .productChanged(tx, productId, "rated")
                                .map(review(rows.iterator().next()))
                            : Future.succeededFuture(null)));
  }

  /** A product's reviews, newest first, a keyset page at a time. */
  public Future<ReviewPage> page(UUID productId, Cursor after, int limit) {
    Tuple args =
        Tuple.of(
            productId,
            after == null ? null : after.at(),
            after == null ? null : after.id(),
            limit + 1);
    return pool.preparedQuery(PAGE)
        .execute(args)
        .map(
            rows -> {
              List<Row> all = new ArrayList<>();
              rows.forEach(all::add);
              ReviewPage.Builder out = ReviewPage.newBuilder();
              all.stream().limit(limit).forEach(r -> out.addReviews(review(r)));
              if (all.size() > limit) {
                Row last = all.get(limit - 1);
                out.setNextCursor(
                    new Cursor(last.getOffsetDateTime("created_at"), last.getUUID("id")).encode());
              }
              return out.build();
            });
  }

  private static Review review(Row r) {
    return Review.newBuilder()
        .setId(r.getUUID("id").toString())
        .setProductId(r.getUUID("product_id").toString())
        .setUserId(r.getUUID("user_id").toString())
        .setRating(r.getShort("rating"))
        .setTitle(r.getString("title") == null ? "" : r.getString("title"))
        .setBody(r.getString("body"))
        .setVerifiedPurchase(r.getBoolean("verified_purchase"))
        .setCreatedAt(
            DateTimeFormatter.ISO_INSTANT.format(
                r.getOffsetDateTime("created_at").withOffsetSameInstant(ZoneOffset.UTC)))
        .build();
  }
}
