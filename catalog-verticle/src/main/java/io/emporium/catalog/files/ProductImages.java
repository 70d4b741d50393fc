package io.emporium.catalog.files;

import io.emporium.catalog.store.ImageStore;
import io.emporium.proto.catalog.v1.Image;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Product images with their bytes: rows in the {@link ImageStore}, uploaded bytes in {@link
 * ImageFiles} under {@code <sha256>.<extension>}, shared by equal uploads. Files, which may be in a
 * remote bucket, are written and removed outside any transaction. A file is in use while an image
 * row or an upload in progress (claimed before its write) names its hash. An upload that stopped
 * between its claim and its row (the process crashed) leaves a claim, which counts for an hour;
 * each new upload first drops such claims and removes their files when nothing else uses them.
 */
public final class ProductImages {
  private static final Logger LOG = LoggerFactory.getLogger(ProductImages.class);
  private final ImageStore store;
  private final ImageFiles files;

  public ProductImages(ImageStore store, ImageFiles files) {
    this.store = store;
    this.files = files;
  }

  /** Makes the image storage ready. */
  public Future<Void> prepare() {
    return files.prepare();
  }

  /**
   * Adds an uploaded image after the product's others: 404 when the product is gone, 409 when it is
   * full. Checks the product and claims the hash, writes the file, then adds the row and drops the
   * claim in one transaction.
   */
  public Future<Image> addUpload(UUID productId, ImageStore.Upload upload) {
    return removeAbandoned()
        .compose(v -> store.claim(productId, upload))
        .compose(
            claim ->
                files
                    .write(
                        upload.storageKey(),
                        upload.content(),
                        upload.sha256(),
                        upload.format().contentType)
                    .compose(written -> store.addClaimed(productId, claim, upload))
                    .recover(
                        e ->
                            store
                                .release(claim)
                                .compose(
                                    released ->
                                        removeUnused(
                                            upload.storageKey(),
                                            upload.sha256(),
                                            upload.format().contentType))
                                .transform(cleaned -> Future.failedFuture(e))));
  }

  /**
   * Drops the claims uploads abandoned and removes their files where nothing uses them; a failure
   * is logged, and left to the next upload.
   */
  private Future<Void> removeAbandoned() {
    return store
        .dropAbandonedClaims()
        .compose(
            abandoned -> {
              Future<Void> chain = Future.succeededFuture();
              for (ImageStore.Stored file : abandoned) {
                LOG.warn(
                    "an upload of {} stopped before its image was added: removing the file if"
                        + " nothing uses it",
                    file.storageKey());
                chain =
                    chain.compose(
                        v -> removeUnused(file.storageKey(), file.sha256(), file.contentType()));
              }
              return chain;
            })
        .recover(
            e -> {
              LOG.warn("abandoned uploads are left for the next upload: {}", e.toString());
              return Future.succeededFuture();
            });
  }

  /**
   * Adds an image hosted elsewhere after the product's others: 404 when the product is gone, 409
   * when it is full.
   */
  public Future<Image> addUrl(UUID productId, String url) {
    return store.addUrl(productId, url);
  }

  /**
   * Removes a product's image, and then its file when nothing else uses it; false when there is no
   * such image.
   */
  public Future<Boolean> delete(UUID productId, UUID imageId) {
    return store
        .delete(productId, imageId)
        .compose(
            deleted -> {
              if (!deleted.found()) {
                return Future.succeededFuture(false);
              }
              ImageStore.Stored upload = deleted.upload();
              return upload == null
                  ? Future.succeededFuture(true)
                  : removeUnused(upload.storageKey(), upload.sha256(), upload.contentType())
                      .map(true);
            });
  }

  /** An uploaded image's metadata; empty for an unknown id or an image hosted elsewhere. */
  public Future<Optional<ImageStore.Stored>> find(UUID imageId) {
    return store.find(imageId);
  }

  public Future<Buffer> read(ImageStore.Stored image) {
    return files.read(image.storageKey());
  }

  /**
   * Removes a file nothing uses. An upload that claims the hash after the first look may write the
   * file before this removal lands, so the remover looks again afterwards and writes back the bytes
   * it read first: the removal that lands last sees every claim made before it. A file that cannot
   * be read is gone already (its remover looks again) or unreachable, and is left alone. The
   * image's row is gone whatever happens here, so a failure is logged rather than answered.
   */
  private Future<Void> removeUnused(String key, String sha256, String contentType) {
    return store
        .inUse(sha256)
        .compose(
            used ->
                used
                    ? Future.<Void>succeededFuture()
                    : files
                        .read(key)
                        .transform(
                            read ->
                                read.failed()
                                    ? Future.<Void>succeededFuture()
                                    : files
                                        .remove(key)
                                        .compose(removed -> store.inUse(sha256))
                                        .compose(
                                            claimed ->
                                                claimed
                                                    ? files.write(
                                                        key, read.result(), sha256, contentType)
                                                    : Future.<Void>succeededFuture())))
        .recover(
            e -> {
              LOG.error(
                  "Image file {} may be left over, or missing for an image that uses it: {}",
                  key,
                  e.toString());
              return Future.succeededFuture();
            });
  }
}
