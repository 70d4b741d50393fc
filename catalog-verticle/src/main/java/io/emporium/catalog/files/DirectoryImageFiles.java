package io.emporium.catalog.files;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.UUID;

/** Image bytes as files in one directory ({@code DATA_DIR/images}), one file per key. */
public final class DirectoryImageFiles implements ImageFiles {
  private final FileSystem files;
  private final Path directory;

  public DirectoryImageFiles(FileSystem files, Path directory) {
    this.files = files;
    this.directory = directory;
  }

  /** Creates the directory when it is missing. */
  @Override
  public Future<Void> prepare() {
    return files.mkdirs(directory.toString());
  }

  /**
   * Writes the bytes under a temporary name, then moves them into place, so a reader never sees
   * half a file.
   */
  @Override
  public Future<Void> write(String key, Buffer content, String sha256, String contentType) {
    String target = path(key);
    String temporary = path(key + "." + UUID.randomUUID() + ".tmp");
    return files
        .writeFile(temporary, content)
        .compose(
            written ->
                files.move(
                    temporary,
                    target,
                    new CopyOptions().setReplaceExisting(true).setAtomicMove(true)))
        .recover(e -> files.delete(temporary).transform(ignored -> Future.failedFuture(e)));
  }

  @Override
  public Future<Buffer> read(String key) {
    return files.readFile(path(key));
  }

  @Override
  public Future<Void> remove(String key) {
    return files
        .delete(path(key))
        .recover(
            e ->
                e instanceof FileSystemException && e.getCause() instanceof NoSuchFileException
                    ? Future.succeededFuture()
                    : Future.failedFuture(e));
  }

  private String path(String fileName) {
    return directory.resolve(fileName).toString();
  }
}
