package io.emporium.emulator;

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
 * An emulator's state on disk: one append-only file of JSON lines, each the latest state of one
 * object, event, idempotent answer or finished delivery (its {@code key}), so a restarted emulator
 * (even after SIGKILL) picks up where it stopped. An operation {@link #begin}s, {@link #touch}es
 * the objects it read or changed and {@link #add}s records, then {@link #commit()} appends them
 * before its answer goes out and its webhooks are sent. Writes go through Vert.x's asynchronous
 * file, one after another; loading and compacting run on a worker thread. Without a directory it
 * keeps nothing and commits at once. Confined to the emulator's event loop.
 */
public final class StateJournal {
  private static final Logger LOG = LoggerFactory.getLogger(StateJournal.class);

  private final AsyncFile file;
  private final String emulator;
  private final Set<Object> touched = new LinkedHashSet<>();
  private final Map<String, JsonObject> pending = new LinkedHashMap<>();
  private final List<Runnable> afterWrite = new ArrayList<>();
  private Function<Object, JsonObject> records = o -> null;
  private Future<Void> lastWrite = Future.succeededFuture();

  private StateJournal(AsyncFile file, String emulator) {
    this.file = file;
    this.emulator = emulator;
  }

  /** A journal that keeps nothing; {@code emulator} names it in the log. */
  public static StateJournal inMemory(String emulator) {
    return new StateJournal(null, emulator);
  }

  /**
   * What a journal in {@code dir} holds, compacted to the last record per key and to those created
   * at or after {@code cutoff} (epoch seconds).
   */
  public record Opened(StateJournal journal, List<JsonObject> records) {}

  /** Opens {@code dir}/{@code fileName}, compacting it first; {@code emulator} names it in logs. */
  public static Future<Opened> open(
      Vertx vertx, Path dir, String fileName, String emulator, long cutoff) {
    Path path = dir.resolve(fileName);
    return vertx
        .executeBlocking(() -> compact(dir, path, cutoff, emulator))
        .compose(
            kept ->
                vertx
                    .fileSystem()
                    .open(path.toString(), new OpenOptions().setAppend(true).setCreate(true))
                    .map(file -> new Opened(new StateJournal(file, emulator), kept)));
  }

  /**
   * Reads the file, keeps the latest record per key (where the key first appeared) and rewrites it
   * atomically.
   */
  private static List<JsonObject> compact(Path dir, Path path, long cutoff, String emulator) {
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
            LOG.warn("{}: skipped an unreadable line in {}", emulator, path);
          }
        }
      }
      List<JsonObject> kept =
          latest.values().stream().filter(r -> r.getLong("created", 0L) >= cutoff).toList();
      // a name of its own, so two emulators starting on one directory do not write one file
      Path next = Files.createTempFile(dir, path.getFileName().toString(), ".next");
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

  /** How a touched object becomes its record; null for objects that are not kept. */
  public void recordObjectsWith(Function<Object, JsonObject> records) {
    this.records = records;
  }

  /**
   * Starts an operation: forgets what reads touched before it, and what an operation that failed
   * half-way added.
   */
  public void begin() {
    touched.clear();
    pending.clear();
    afterWrite.clear();
  }

  /** An object the running operation read or changed; its state is written at {@link #commit()}. */
  public void touch(Object object) {
    touched.add(object);
  }

  /** A record (with {@code key}, {@code kind}, {@code created}) to write at {@link #commit()}. */
  public void add(JsonObject record) {
    pending.put(record.getString("key"), record);
  }

  /**
   * Runs {@code action} once what the running operation did is on disk (webhooks must not announce
   * what may be lost).
   */
  public void afterCommit(Runnable action) {
    afterWrite.add(action);
  }

  /**
   * Writes what the running operation touched and added; completes when it is written (at once
   * without a directory).
   */
  public Future<Void> commit() {
    List<JsonObject> batch = new ArrayList<>();
    for (Object o : touched) {
      JsonObject record = records.apply(o);
      if (record != null) {
        batch.add(record);
      }
    }
    batch.addAll(pending.values());
    List<Runnable> actions = List.copyOf(afterWrite);
    touched.clear();
    pending.clear();
    afterWrite.clear();
    if (file == null || batch.isEmpty()) {
      actions.forEach(Runnable::run);
      return Future.succeededFuture();
    }
    return write(batch).onSuccess(v -> actions.forEach(Runnable::run));
  }

  /**
   * Appends a record outside an operation (a delivery that finished); written in turn with the
   * rest.
   */
  public void appendNow(JsonObject record) {
    if (file != null) {
      write(List.of(record))
          .onFailure(
              e ->
                  LOG.warn(
                      "{}: could not write {}: {}",
                      emulator,
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

  public Future<Void> close() {
    return file == null ? Future.succeededFuture() : lastWrite.transform(v -> file.close());
  }
}
