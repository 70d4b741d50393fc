package io.emporium.stripe.emulator;

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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulator's state on disk: one append-only file of JSON lines, each the latest state of one
 * object, event, idempotent result or delivery, so a restarted emulator (even after SIGKILL) picks
 * up where it stopped. An operation touches objects, then {@link #commit()} appends them before its
 * answer goes out and its webhooks are sent. Writes go through Vert.x's asynchronous file, one
 * after another; loading and compacting run on a worker thread. Without a directory it keeps
 * nothing and commits at once. Confined to the emulator's event loop.
 */
final class StateJournal {
  private static final Logger LOG = LoggerFactory.getLogger(StateJournal.class);
  static final String FILE = "stripe-emulator.jsonl";

  private final AsyncFile file;
  private final Set<Object> touched = new LinkedHashSet<>();
  private final List<JsonObject> pending = new ArrayList<>();
  private final List<Runnable> afterWrite = new ArrayList<>();
  private Function<Object, JsonObject> records = o -> null;
  private Future<Void> lastWrite = Future.succeededFuture();

  private StateJournal(AsyncFile file) {
    this.file = file;
  }

  static StateJournal inMemory() {
    return new StateJournal(null);
  }

  /**
   * What a journal in {@code dir} holds, compacted to the last record per key and to those created
   * at or after {@code cutoff}.
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

  /**
   * Reads the file, keeps the latest record per key (where the key first appeared) and rewrites it
   * atomically.
   */
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
            LOG.warn("Stripe emulator: skipped an unreadable line in {}", path);
          }
        }
      }
      List<JsonObject> kept =
          latest.values().stream().filter(r -> r.getLong("created", 0L) >= cutoff).toList();
      Path next = dir.resolve(FILE + ".next");
      StringBuilder text = new StringBuilder();
      kept.forEach(r -> text.append(r.encode()).append('\n'));
      Files.writeString(next, text, StandardCharsets.UTF_8);
      Files.move(next, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return kept;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How a touched object becomes its record; null for objects that are not kept. */
  void recordObjectsWith(Function<Object, JsonObject> records) {
    this.records = records;
  }

  /** Starts an operation: what reads touched before it is not written. */
  void begin() {
    touched.clear();
  }

  /** An object the running operation read or changed; its state is written at {@link #commit()}. */
  void touch(Object object) {
    touched.add(object);
  }

  /** A record to write at {@link #commit()}. */
  void add(JsonObject record) {
    pending.add(record);
  }

  /**
   * Runs {@code action} once what the running operation did is on disk (webhooks must not announce
   * what may be lost).
   */
  void afterCommit(Runnable action) {
    afterWrite.add(action);
  }

  /**
   * Writes what the running operation touched and added; completes when it is written (at once
   * without a directory).
   */
  Future<Void> commit() {
    List<JsonObject> batch = new ArrayList<>();
    for (Object o : touched) {
      JsonObject record = records.apply(o);
      if (record != null) {
        batch.add(record);
      }
    }
    batch.addAll(pending);
    List<Runnable> actions = List.copyOf(afterWrite);
    touched.clear();
    pending.clear();
    afterWrite.clear();
    if (file == null || batch.isEmpty()) {
      actions.forEach(Runnable::run);
      return Future.succeededFuture();
    }
    Future<Void> written = write(batch);
    return written.onSuccess(v -> actions.forEach(Runnable::run));
  }

  /**
   * Appends records outside an operation (a delivery that finished); written in turn with the rest.
   */
  void appendNow(JsonObject record) {
    if (file != null) {
      write(List.of(record))
          .onFailure(
              e ->
                  LOG.warn(
                      "Stripe emulator: could not write {}: {}",
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
