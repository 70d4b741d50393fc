package io.emporium.stripe.emulator;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Objects by id in creation order, forgotten once older than the retention or when more than {@code
 * capacity} are held (oldest first), so the emulator's memory stays bounded.
 */
final class RecentObjects<V> {
  private final LinkedHashMap<String, V> byId = new LinkedHashMap<>();
  private final int capacity;
  private final ToLongFunction<V> createdAt;

  /**
   * Told of every object put or found, so the running operation can write what it may have changed.
   */
  private final Consumer<V> touched;

  RecentObjects(int capacity, ToLongFunction<V> createdAt) {
    this(capacity, createdAt, v -> {});
  }

  RecentObjects(int capacity, ToLongFunction<V> createdAt, Consumer<V> touched) {
    this.capacity = capacity;
    this.createdAt = createdAt;
    this.touched = touched;
  }

  void put(String id, V value) {
    touched.accept(value);
    byId.put(id, value);
    if (byId.size() > capacity) {
      Iterator<V> oldest = byId.values().iterator();
      oldest.next();
      oldest.remove();
    }
  }

  V get(String id) {
    V value = id == null ? null : byId.get(id);
    if (value != null) {
      touched.accept(value);
    }
    return value;
  }

  Iterable<V> values() {
    return byId.values();
  }

  int size() {
    return byId.size();
  }

  /**
   * Forgets everything created before {@code cutoff} (creation order makes this a scan of the
   * head).
   */
  void forgetCreatedBefore(long cutoff) {
    Iterator<Map.Entry<String, V>> it = byId.entrySet().iterator();
    while (it.hasNext() && createdAt.applyAsLong(it.next().getValue()) < cutoff) {
      it.remove();
    }
  }
}
