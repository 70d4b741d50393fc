package io.emporium.catalog.store;

import io.emporium.catalog.domain.ImageRules;
import io.emporium.catalog.files.ImageFiles;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.Image;
import io.emporium.catalog.events.CatalogEvents;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.UUID;

/**
 * Product images: rows in {@code catalog.product_images}, uploaded bytes in {@link ImageFiles} under
 * {@code <sha256>.<extension>}, shared by equal uploads. Changes to one product's images take that
 * product's row lock (count and positions stay right); a file is written or removed under an
 * advisory lock on its hash, so a delete never removes a file that an upload is about to use.
 */
public final class ImageStore {
  private static final String LOCK_PRODUCT = """
      SELECT id FROM catalog.products WHERE id = $1 AND deleted_at IS NULL FOR UPDATE""";
  private static final String COUNT = """
      SELECT count(*) AS images, coalesce(max(position) + 1, 0) AS next FROM catalog.product_images WHERE product_id = $1""";
  private static final String LOCK_FILE = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";
  private static final String INSERT = """
      INSERT INTO catalog.product_images (id, product_id, position, url, storage_key, content_type, byte_size, sha256)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      RETURNING id, url, content_type, byte_size""";
  private static final String DELETE = """
      DELETE FROM catalog.product_images WHERE id = $1 AND product_id = $2 RETURNING storage_key, sha256""";
  private static final String SHARED = "SELECT 1 FROM catalog.product_images WHERE sha256 = $1 LIMIT 1";
  private static final String FIND = """
      SELECT storage_key, content_type, sha256 FROM catalog.product_images WHERE id = $1 AND storage_key IS NOT NULL""";

  /** An upload as checked by the rules: its format and the hex sha256 of its bytes. */
  public record Upload(ImageRules.Format format, String sha256, Buffer content) {
    String storageKey() {
      return sha256 + "." + format.extension;
    }
  }

  /** A stored upload's metadata; its bytes are read separately. */
  public record Stored(String storageKey, String contentType, String sha256) {}

  private final Pool pool;
  private final ImageFiles files;
  private final CatalogEvents events;

  public ImageStore(Pool pool, ImageFiles files, CatalogEvents events) {
    this.pool = pool;
    this.events = events;
    this.files = files;
  }

  /** Makes the image storage ready. */
  public Future<Void> prepare() {
    return files.prepare();
  }

  /** Adds an uploaded image after the product's others: 404 when the product is gone, 409 when it is full. */
  public Future<Image> addUpload(UUID productId, Upload upload) {
    return pool.withTransaction(tx -> nextPosition(tx, productId)
        .compose(position -> tx.preparedQuery(LOCK_FILE).execute(Tuple.of(upload.sha256()))
            .compose(locked -> files.write(upload.storageKey(), upload.content(), upload.sha256(), upload.format().contentType))
            .compose(written -> tx.preparedQuery(INSERT).execute(Tuple.of(UUID.randomUUID(), productId, position, null,
                upload.storageKey(), upload.format().contentType).addValue((long) upload.content().length()).addValue(upload.sha256()))))
            .compose(rows -> events.productChanged(tx, productId, "images").map(rows)))
        .map(rows -> ProductStore.image(rows.iterator().next()));
  }

  /** Adds an image hosted elsewhere after the product's others: 404 when the product is gone, 409 when it is full. */
  public Future<Image> addUrl(UUID productId, String url) {
    return pool.withTransaction(tx -> nextPosition(tx, productId)
        .compose(position -> tx.preparedQuery(INSERT).execute(Tuple.of(UUID.randomUUID(), productId, position, url, null, null)
            .addValue(null).addValue(null)))
            .compose(rows -> events.productChanged(tx, productId, "images").map(rows)))
        .map(rows -> ProductStore.image(rows.iterator().next()));
  }

  /** Removes a product's image, and its file when no other image shares it; false when there is no such image. */
  public Future<Boolean> delete(UUID productId, UUID imageId) {
    return pool.withTransaction(tx -> tx.preparedQuery(LOCK_PRODUCT).execute(Tuple.of(productId))
        .compose(product -> tx.preparedQuery(DELETE).execute(Tuple.of(imageId, productId)))
        .compose(deleted -> {
          if (deleted.size() == 0) {
            return Future.succeededFuture(false);
          }
          Row row = deleted.iterator().next();
          if (row.getString("storage_key") == null) {
            return events.productChanged(tx, productId, "images").map(true);
          }
          String sha256 = row.getString("sha256");
          return tx.preparedQuery(LOCK_FILE).execute(Tuple.of(sha256))
              .compose(locked -> tx.preparedQuery(SHARED).execute(Tuple.of(sha256)))
              .compose(shared -> shared.size() > 0 ? Future.succeededFuture() : files.remove(row.getString("storage_key")))
              .compose(removed -> events.productChanged(tx, productId, "images"))
              .map(true);
        }));
  }

  /** An uploaded image's metadata; empty for an unknown id or an image hosted elsewhere. */
  public Future<Optional<Stored>> find(UUID imageId) {
    return pool.preparedQuery(FIND).execute(Tuple.of(imageId)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row row = rows.iterator().next();
      return Optional.of(new Stored(row.getString("storage_key"), row.getString("content_type"), row.getString("sha256")));
    });
  }

  public Future<Buffer> read(Stored image) {
    return files.read(image.storageKey());
  }

  /** Locks the product's row and answers the position after its last image. */
  private Future<Integer> nextPosition(SqlConnection tx, UUID productId) {
    return tx.preparedQuery(LOCK_PRODUCT).execute(Tuple.of(productId))
        .compose(product -> {
          if (product.size() == 0) {
            return Future.failedFuture(ApiProblem.notFound("No product " + productId + "."));
          }
          return tx.preparedQuery(COUNT).execute(Tuple.of(productId));
        })
        .map(rows -> {
          Row row = rows.iterator().next();
          if (row.getLong("images") >= ImageRules.MAX_IMAGES) {
            throw ApiProblem.conflict("The product has " + ImageRules.MAX_IMAGES + " images, the most it may have; delete one first.");
          }
          return row.getInteger("next");
        });
  }
}
