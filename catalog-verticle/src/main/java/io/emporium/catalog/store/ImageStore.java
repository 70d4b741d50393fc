package io.emporium.catalog.store;

import io.emporium.catalog.domain.ImageRules;
import io.emporium.catalog.publish.CatalogEvents;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.Image;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Product images' rows in {@code catalog.product_images}, and the uploads in progress ({@code
 * catalog.image_uploads}) that claim a file's hash before its write; the files themselves are the
 * {@code files} room's. Changes to one product's images take that product's row lock (count and
 * positions stay right) in short transactions.
 */
public final class ImageStore {
  private static final String LOCK_PRODUCT =
      """
      SELECT id FROM catalog.products WHERE id = $1 AND deleted_at IS NULL FOR UPDATE""";
  private static final String COUNT =
      """
      SELECT count(*) AS images, coalesce(max(position) + 1, 0) AS next FROM catalog.product_images WHERE product_id = $1""";
  private static final String CLAIM =
      """
      INSERT INTO catalog.image_uploads (id, sha256, storage_key, content_type) VALUES ($1, $2, $3, $4)""";
  // a claim older than this was left by an upload that stopped (a crash between the claim and the
  // image's row): no upload takes this long
  private static final String ABANDONED_AFTER = "interval '1 hour'";
  private static final String ABANDONED =
      """
      DELETE FROM catalog.image_uploads WHERE id IN (
        SELECT id FROM catalog.image_uploads WHERE started_at < now() - %s ORDER BY started_at LIMIT 100)
      RETURNING storage_key, sha256, content_type"""
          .formatted(ABANDONED_AFTER);
  private static final String RELEASE = "DELETE FROM catalog.image_uploads WHERE id = $1";
  private static final String INSERT =
      """
      INSERT INTO catalog.product_images (id, product_id, position, url, storage_key, content_type, byte_size, sha256)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      RETURNING id, url, content_type, byte_size""";
  private static final String DELETE =
      """
      DELETE FROM catalog.product_images WHERE id = $1 AND product_id = $2 RETURNING storage_key, sha256, content_type""";
  private static final String IN_USE =
      """
      SELECT 1 FROM catalog.product_images WHERE sha256 = $1
      UNION ALL SELECT 1 FROM catalog.image_uploads WHERE sha256 = $1 AND started_at >= now() - %s LIMIT 1"""
          .formatted(ABANDONED_AFTER);
  private static final String FIND =
      """
      SELECT storage_key, content_type, sha256 FROM catalog.product_images WHERE id = $1 AND storage_key IS NOT NULL""";

  /** An upload as checked by the rules: its format and the hex sha256 of its bytes. */
  public record Upload(ImageRules.Format format, String sha256, Buffer content) {
    public String storageKey() {
      return sha256 + "." + format.extension;
    }
  }

  /** A stored upload's metadata; its bytes are read separately. */
  public record Stored(String storageKey, String contentType, String sha256) {}

  /**
   * What a deletion removed: {@code found} false when there was no such image; {@code upload} null
   * for an image hosted elsewhere.
   */
  public record Deleted(boolean found, Stored upload) {}

  private final Pool pool;
  private final CatalogEvents events;

  public ImageStore(Pool pool, CatalogEvents events) {
    this.pool = pool;
    this.events = events;
  }

  /**
   * Claims an upload's hash for a new image of the product: 404 when the product is gone, 409 when
   * it is full.
   */
  public Future<UUID> claim(UUID productId, Upload upload) {
    UUID claim = UUID.randomUUID();
    return pool.withTransaction(
            tx ->
                nextPosition(tx, productId)
                    .compose(
                        position ->
                            tx.preparedQuery(CLAIM)
                                .execute(
                                    Tuple.of(
                                        claim,
                                        upload.sha256(),
                                        upload.storageKey(),
                                        upload.format().contentType))))
        .map(claimed -> claim);
  }

  /**
   * Drops (up to a hundred of) the claims their uploads abandoned, and answers the files they
   * named: each may be left without an image. Claims from before claims named their file answer
   * none.
   */
  public Future<List<Stored>> dropAbandonedClaims() {
    return pool.preparedQuery(ABANDONED)
        .execute()
        .map(
            rows -> {
              List<Stored> files = new ArrayList<>();
              rows.forEach(
                  r -> {
                    if (r.getString("storage_key") != null) {
                      files.add(
                          new Stored(
                              r.getString("storage_key"),
                              r.getString("content_type"),
                              r.getString("sha256")));
                    }
                  });
              return files;
            });
  }

  /**
   * Adds the row of a claimed upload, its file written, after the product's others and drops the
   * claim, in one transaction.
   */
  public Future<Image> addClaimed(UUID productId, UUID claim, Upload upload) {
    return pool.withTransaction(
            tx ->
                nextPosition(tx, productId)
                    .compose(
                        position ->
                            tx.preparedQuery(INSERT)
                                .execute(
                                    Tuple.of(
                                            UUID.randomUUID(),
                                            productId,
                                            position,
                                            null,
                                            upload.storageKey(),
                                            upload.format().contentType)
                                        .addValue((long) upload.content().length())
                                        .addValue(upload.sha256())))
                    .compose(rows -> tx.preparedQuery(RELEASE).execute(Tuple.of(claim)).map(rows))
                    .compose(rows -> events.productChanged(tx, productId, "images").map(rows)))
        .map(rows -> ProductStore.image(rows.iterator().next()));
  }

  /** Drops a claim whose upload did not become an image. */
  public Future<Void> release(UUID claim) {
    return pool.preparedQuery(RELEASE).execute(Tuple.of(claim)).mapEmpty();
  }

  /**
   * Adds an image hosted elsewhere after the product's others: 404 when the product is gone, 409
   * when it is full.
   */
  public Future<Image> addUrl(UUID productId, String url) {
    return pool.withTransaction(
            tx ->
                nextPosition(tx, productId)
                    .compose(
                        position ->
                            tx.preparedQuery(INSERT)
                                .execute(
                                    Tuple.of(
                                            UUID.randomUUID(), productId, position, url, null, null)
                                        .addValue(null)
                                        .addValue(null)))
                    .compose(rows -> events.productChanged(tx, productId, "images").map(rows)))
        .map(rows -> ProductStore.image(rows.iterator().next()));
  }

  /** Removes a product's image row; its file, if it has one, is left to the caller. */
  public Future<Deleted> delete(UUID productId, UUID imageId) {
    return pool.withTransaction(
            tx ->
                tx.preparedQuery(LOCK_PRODUCT)
                    .execute(Tuple.of(productId))
                    .compose(
                        product -> tx.preparedQuery(DELETE).execute(Tuple.of(imageId, productId)))
                    .compose(
                        deleted ->
                            deleted.size() == 0
                                ? Future.succeededFuture(deleted)
                                : events.productChanged(tx, productId, "images").map(deleted)))
        .map(
            deleted -> {
              if (deleted.size() == 0) {
                return new Deleted(false, null);
              }
              Row row = deleted.iterator().next();
              return new Deleted(
                  true,
                  row.getString("storage_key") == null
                      ? null
                      : new Stored(
                          row.getString("storage_key"),
                          row.getString("content_type"),
                          row.getString("sha256")));
            });
  }

  /** An uploaded image's metadata; empty for an unknown id or an image hosted elsewhere. */
  public Future<Optional<Stored>> find(UUID imageId) {
    return pool.preparedQuery(FIND)
        .execute(Tuple.of(imageId))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row row = rows.iterator().next();
              return Optional.of(
                  new Stored(
                      row.getString("storage_key"),
                      row.getString("content_type"),
                      row.getString("sha256")));
            });
  }

  /** Whether an image row or an upload in progress names the hash, so its file is in use. */
  public Future<Boolean> inUse(String sha256) {
    return pool.preparedQuery(IN_USE).execute(Tuple.of(sha256)).map(rows -> rows.size() > 0);
  }

  /** Locks the product's row and answers the position after its last image. */
  private Future<Integer> nextPosition(SqlConnection tx, UUID productId) {
    return tx.preparedQuery(LOCK_PRODUCT)
        .execute(Tuple.of(productId))
        .compose(
            product -> {
              if (product.size() == 0) {
                return Future.failedFuture(ApiProblem.notFound("No product " + productId + "."));
              }
              return tx.preparedQuery(COUNT).execute(Tuple.of(productId));
            })
        .map(
            rows -> {
              Row row = rows.iterator().next();
              if (row.getLong("images") >= ImageRules.MAX_IMAGES) {
                throw ApiProblem.conflict(
                    "The product has "
                        + ImageRules.MAX_IMAGES
                        + " images, the most it may have; delete one first.");
              }
              return row.getInteger("next");
            });
  }
}
