package io.emporium.paypal.emulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulator's state on disk, as the Stripe emulator keeps it: one append-only file of JSON
 * lines, each the latest state of one order, capture, refund, token, event, idempotent answer or
 * finished delivery (its {@code key}), so a restarted emulator (even after SIGKILL) picks up where
 * it stopped. An operation {@link #add}s the records it changed, then {@link #commit()} appends
 * them before its answer goes out and its webhooks are sent. Writes go through Vert.x's
 * asynchronous file, one after another; loading and compacting run on a worker thread. Without a
 * directory it keeps nothing and commits at once. Confined to the emulator's event loop.
 */
final class StateJournal {
  private static final Logger LOG = LoggerFactory.getLogger(StateJournal.class);
  static final String FILE = "paypal-emulator.jsonl";

  private final AsyncFile file;
  private final Map<String, JsonObject> pending = new LinkedHashMap<>();
  private final List<Runnable> afterWrite = new ArrayList<>();
  private Future<Void> lastWrite = Future.succeededFuture();

  private StateJournal(AsyncFile file) {
    this.file = file;
  }

  static StateJournal inMemory() {
    return new StateJournal(null);
  }

  /**
   * What a journal in {@code dir} holds, compacted to the last record per key and to those created
   * at or after {@code cutoff} (epoch seconds).
   */
  record Opened(StateJournal journal, List<JsonObject> records) {}

  static Future<Opened> open(Vertx vertx, Path dir, long cutoff) {
    Path path = dir.resolve(FILE);
    return vertx
        .executeBlocking(() -> compact(dir, path, cutoff))
        .compose(
            kept ->
                vertx
                    .fileSystem()
                    .open(path.toString(), new OpenOptions().setAppend(true).setCreate(true))
                    .map(file -> new Opened(new StateJournal(file), kept)));
  }

  private static List<JsonObject> compact(Path dir, Path path, long cutoff) {
    try {
      Files.createDirectories(dir);
      Map<String, JsonObject> latest = new LinkedHashMap<>();
      if (Files.exists(path)) {
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
          if (line.isBlank()) {
            continue;
          }
          try {
            JsonObject record = new JsonObject(line);
            latest.put(record.getString("key"), record);
          } catch (DecodeException e) {
            // only the last line can be torn, by a kill in the middle of a write: that operation
            // was never answered
            LOG.warn("PayPal emulator: skipped an unreadable line in {}", path);
          }
        }
      }
      List<JsonObject> kept =
          latest.values().stream().filter(r -> r.getLong("created", 0L) >= cutoff).toList();
      // a name of its own, so two emulators starting on one directory do not write one file
      Path next = Files.createTempFile(dir, FILE, ".next");
      try {
        StringBuilder text = new StringBuilder();
        kept.forEach(r -> text.append(r.encode()).append('\n'));
        Files.writeString(next, text, StandardCharsets.UTF_8);
        Files.move(next, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(next);
      }
      return kept;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts an operation: forgets what an operation that failed half-way added. */
  void begin() {
    pending.clear();
    afterWrite.clear();
  }

  /** A record (with {@code key}, {@code kind}, {@code created}) to write at {@link #commit()}. */
  void add(JsonObject record) {
    pending.put(record.getString("key"), record);
  }

  /** Runs {@code action} once the running operation is on disk (webhooks announce only that). */
  void afterCommit(Runnable action) {
    afterWrite.add(action);
  }

  /** Writes what the running operation added; completes when it is written. */
  Future<Void> commit() {
    List<JsonObject> batch = List.copyOf(pending.values());
    List<Runnable> actions = List.copyOf(afterWrite);
    pending.clear();
    afterWrite.clear();
    if (file == null || batch.isEmpty()) {
      actions.forEach(Runnable::run);
      return Future.succeededFuture();
    }
    return write(batch).onSuccess(v -> actions.forEach(Runnable::run));
  }

  /** Appends a record outside an operation (a delivery that finished). */
  void appendNow(JsonObject record) {
    if (file != null) {
      write(List.of(record))
          .onFailure(
              e ->
                  LOG.warn(
                      "PayPal emulator: could not write {}: {}",
                      record.getString("key"),
                      e.toString()));
    }
  }

  private Future<Void> write(List<JsonObject> batch) {
    StringBuilder text = new StringBuilder();
    batch.forEach(r -> text.append(r.encode()).append('\n'));
    Buffer buffer = Buffer.buffer(text.toString());
    // one write after another, so the file keeps the order operations were answered in
    lastWrite = lastWrite.transform(previous -> file.write(buffer));
    return lastWrite;
  }

  Future<Void> close() {
    return file == null ? Future.succeededFuture() : lastWrite.transform(v -> file.close());
  }
}
