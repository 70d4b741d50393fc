package io.emporium.edge.cache;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Concurrent cache misses for the same key share one call to the catalog instead of each making
 * their own (a popular page that just expired would otherwise send every waiting request to
 * PostgreSQL at once). Confined to one event loop: each edge verticle instance has its own.
 */
public final class InFlight<T> {
  private final Map<String, Future<T>> calls = new HashMap<>();

  public Future<T> share(String key, Supplier<Future<T>> call) {
    Future<T> running = calls.get(key);
    if (running != null) {
      return running;
    }
    Future<T> started = call.get();
    if (!started.isComplete()) {
      calls.put(key, started);
      started.onComplete(done -> calls.remove(key));
    }
    return started;
  }
}
