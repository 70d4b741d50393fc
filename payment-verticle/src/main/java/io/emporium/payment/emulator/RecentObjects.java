package io.emporium.payment.emulator;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Objects by id in creation order, forgotten once older than the retention or when more than
 * {@code capacity} are held (oldest first), so the emulator's memory stays bounded.
 */
final class RecentObjects<V> {
  private final LinkedHashMap<String, V> byId = new LinkedHashMap<>();
  private final int capacity;
  private final ToLongFunction<V> createdAt;

  RecentObjects(int capacity, ToLongFunction<V> createdAt) {
    this.capacity = capacity;
    this.createdAt = createdAt;
  }

  void put(String id, V value) {
    byId.put(id, value);
    if (byId.size() > capacity) {
      Iterator<V> oldest = byId.values().iterator();
      oldest.next();
      oldest.remove();
    }
  }

  V get(String id) {
    return id == null ? null : byId.get(id);
  }

  Iterable<V> values() {
    return byId.values();
  }

  int size() {
    return byId.size();
  }

  /** Forgets everything created before {@code cutoff} (creation order makes this a scan of the head). */
  void forgetCreatedBefore(long cutoff) {
    Iterator<Map.Entry<String, V>> it = byId.entrySet().iterator();
    while (it.hasNext() && createdAt.applyAsLong(it.next().getValue()) < cutoff) {
      it.remove();
    }
  }
}
