package io.emporium.catalog.store;

import io.emporium.catalog.domain.ImageRules;
import io.emporium.catalog.files.ImageFiles;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.Image;
import io.emporium.catalog.publish.CatalogEvents;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Product images: rows in {@code catalog.product_images}, uploaded bytes in {@link ImageFiles} under
 * {@code <sha256>.<extension>}, shared by equal uploads. Changes to one product's images take that
 * product's row lock (count and positions stay right) in short transactions; files, which may be in a
 * remote bucket, are written and removed outside any transaction. A file is in use while an image row or
 * an upload in progress ({@code catalog.image_uploads}, claimed before its write) names its hash.
 */
public final class ImageStore {
  private static final Logger LOG = LoggerFactory.getLogger(ImageStore.class);
  private static final String LOCK_PRODUCT = """
      SELECT id FROM catalog.products WHERE id = $1 AND deleted_at IS NULL FOR UPDATE""";
  private static final String COUNT = """
      SELECT count(*) AS images, coalesce(max(position) + 1, 0) AS next FROM catalog.product_images WHERE product_id = $1""";
  private static final String CLAIM = "INSERT INTO catalog.image_uploads (id, sha256) VALUES ($1, $2)";
  private static final String RELEASE = "DELETE FROM catalog.image_uploads WHERE id = $1";
  private static final String INSERT = """
      INSERT INTO catalog.product_images (id, product_id, position, url, storage_key, content_type, byte_size, sha256)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      RETURNING id, url, content_type, byte_size""";
  private static final String DELETE = """
      DELETE FROM catalog.product_images WHERE id = $1 AND product_id = $2 RETURNING storage_key, sha256, content_type""";
  private static final String IN_USE = """
      SELECT 1 FROM catalog.product_images WHERE sha256 = $1 UNION ALL SELECT 1 FROM catalog.image_uploads WHERE sha256 = $1 LIMIT 1""";
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

  /**
   * Adds an uploaded image after the product's others: 404 when the product is gone, 409 when it is full. Checks
   * the product and claims the hash, writes the file, then adds the row and drops the claim in one transaction.
   */
  public Future<Image> addUpload(UUID productId, Upload upload) {
    UUID claim = UUID.randomUUID();
    return pool.withTransaction(tx -> nextPosition(tx, productId)
            .compose(position -> tx.preparedQuery(CLAIM).execute(Tuple.of(claim, upload.sha256()))))
        .compose(claimed -> files.write(upload.storageKey(), upload.content(), upload.sha256(), upload.format().contentType)
            .compose(written -> pool.withTransaction(tx -> nextPosition(tx, productId)
                .compose(position -> tx.preparedQuery(INSERT).execute(Tuple.of(UUID.randomUUID(), productId, position, null,
                    upload.storageKey(), upload.format().contentType).addValue((long) upload.content().length()).addValue(upload.sha256())))
                .compose(rows -> tx.preparedQuery(RELEASE).execute(Tuple.of(claim)).map(rows))
                .compose(rows -> events.productChanged(tx, productId, "images").map(rows))))
            .recover(e -> pool.preparedQuery(RELEASE).execute(Tuple.of(claim))
                .compose(released -> removeUnused(upload.storageKey(), upload.sha256(), upload.format().contentType))
                .transform(cleaned -> Future.failedFuture(e))))
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

  /** Removes a product's image, and then its file when nothing else uses it; false when there is no such image. */
  public Future<Boolean> delete(UUID productId, UUID imageId) {
    return pool.withTransaction(tx -> tx.preparedQuery(LOCK_PRODUCT).execute(Tuple.of(productId))
            .compose(product -> tx.preparedQuery(DELETE).execute(Tuple.of(imageId, productId)))
            .compose(deleted -> deleted.size() == 0 ? Future.succeededFuture(deleted)
                : events.productChanged(tx, productId, "images").map(deleted)))
        .compose(deleted -> {
          if (deleted.size() == 0) {
            return Future.succeededFuture(false);
          }
          Row row = deleted.iterator().next();
          return row.getString("storage_key") == null ? Future.succeededFuture(true)
              : removeUnused(row.getString("storage_key"), row.getString("sha256"), row.getString("content_type")).map(true);
        });
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

  /**
   * Removes a file nothing uses. An upload that claims the hash after the first look may write the file before
   * this removal lands, so the remover looks again afterwards and writes back the bytes it read first: the
   * removal that lands last sees every claim made before it. A file that cannot be read is gone already (its
   * remover looks again) or unreachable, and is left alone. The image's row is gone whatever happens here, so
   * a failure is logged rather than answered.
   */
  private Future<Void> removeUnused(String key, String sha256, String contentType) {
    return inUse(sha256)
        .compose(used -> used ? Future.<Void>succeededFuture() : files.read(key).transform(read -> read.failed()
            ? Future.<Void>succeededFuture()
            : files.remove(key)
                .compose(removed -> inUse(sha256))
                .compose(claimed -> claimed ? files.write(key, read.result(), sha256, contentType) : Future.<Void>succeededFuture())))
        .recover(e -> {
          LOG.error("Image file {} may be left over, or missing for an image that uses it: {}", key, e.toString());
          return Future.succeededFuture();
        });
  }

  private Future<Boolean> inUse(String sha256) {
    return pool.preparedQuery(IN_USE).execute(Tuple.of(sha256)).map(rows -> rows.size() > 0);
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
