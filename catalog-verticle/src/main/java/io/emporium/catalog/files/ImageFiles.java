package io.emporium.catalog.files;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Where the bytes of uploaded product images live, by storage key ({@code <sha256>.<extension>}): a
 * directory under {@code DATA_DIR} or an S3-compatible bucket. Rows and locking stay with the
 * store.
 */
public interface ImageFiles {

  /** Makes the storage ready before the catalog serves. */
  Future<Void> prepare();

  /**
   * Stores the bytes under the key, whole or not at all; {@code sha256} is the hex digest of {@code
   * content}.
   */
  Future<Void> write(String key, Buffer content, String sha256, String contentType);

  /** The bytes stored under the key; fails when there are none. */
  Future<Buffer> read(String key);

  /** Removes the bytes stored under the key; succeeds when there were none. */
  Future<Void> remove(String key);
}
