package io.emporium.edge.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.emporium.common.config.EmporiumConfig;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The edge process's in-memory copy of public catalog reads, in front of {@link CatalogCache}'s
 * Redis: product pages, the category tree and listings, bounded in bytes and kept at most a time to
 * live. One per process, shared by the edge's verticle instances. A change retires entries at once
 * in the process that made it, and in every edge process once its {@link CatalogChangeFeed} reads
 * the change. A read that misses leaves a placeholder; its answer is kept only if the placeholder
 * is still there, so an answer read before a change never outlives the change's retirement.
 */
public final class NearCache implements Shareable {
  private static final String SHARED = "emporium.edge.near-cache";

  /** A rough cost of an entry apart from its text: the map node, the key and value objects. */
  private static final int ENTRY_OVERHEAD = 96;

  private static final Lookup OFF = new Lookup(null, null, null);

  /**
   * A read on its way to Redis or the catalog; it remembers the listings' generation it started at.
   */
  private record Pending(long listingsAt) {}

  private record Stored(long listingsAt, String body) {}

  /**
   * What a lookup found: the body on a hit; on a miss, where and with which placeholder its answer
   * may be kept.
   */
  public record Lookup(String key, Object pending, String body) {
    public boolean hit() {
      return body != null;
    }
  }

  private final Cache<String, Object> entries;

  /** Moved on by every change: a listing stored at an older generation is a miss. */
  private final AtomicLong listings = new AtomicLong();

  NearCache(EmporiumConfig.NearCache config) {
    this.entries =
        config.enabled()
            ? Caffeine.newBuilder()
                .maximumWeight(config.maxBytes())
                // text counted at two bytes a character, an upper bound for Java strings
                .weigher(
                    (String key, Object value) ->
                        ENTRY_OVERHEAD
                            + 2 * key.length()
                            + (value instanceof Stored s ? 2 * s.body().length() : 0))
                .expireAfterWrite(config.ttl())
                // evictions run on the calling thread: no hop to a pool, and nothing to wait for in
                // tests
                .executor(Runnable::run)
                .build()
            : null;
  }

  /** This process's near cache, made by the first edge instance that asks. */
  public static NearCache of(Vertx vertx, EmporiumConfig.NearCache config) {
    return vertx
        .sharedData()
        .<String, NearCache>getLocalMap(SHARED)
        .computeIfAbsent(SHARED, k -> new NearCache(config));
  }

  public Lookup product(String id) {
    return lookup(productKey(id), false);
  }

  public Lookup categories() {
    return lookup("categories", false);
  }

  public Lookup listing(String canonicalQuery) {
    return lookup("listing:" + canonicalQuery, true);
  }

  private Lookup lookup(String key, boolean listing) {
    if (entries == null) {
      return OFF;
    }
    long generation = listings.get();
    Object found = entries.getIfPresent(key);
    if (!current(found, listing, generation)) {
      // a miss leaves its placeholder, or shares the one a concurrent miss left
      Pending mine = new Pending(generation);
      found =
          entries.asMap().compute(key, (k, old) -> current(old, listing, generation) ? old : mine);
    }
    return found instanceof Stored s
        ? new Lookup(key, null, s.body())
        : new Lookup(key, found, null);
  }

  /**
   * An entry that still answers: any product page or category tree there is, a listing only of the
   * current generation.
   */
  private static boolean current(Object entry, boolean listing, long generation) {
    if (entry instanceof Stored s) {
      return !listing || s.listingsAt() == generation;
    }
    return entry instanceof Pending p && (!listing || p.listingsAt() == generation);
  }

  /**
   * Keeps a missed read's answer, unless a change retired the entry (or moved the listings on)
   * since the lookup.
   */
  public void fill(Lookup miss, String body) {
    if (entries == null || miss.pending() == null) {
      return;
    }
    long generation = ((Pending) miss.pending()).listingsAt();
    entries.asMap().replace(miss.key(), miss.pending(), new Stored(generation, body));
  }

  /** Gives up a missed read's placeholder (its answer is not for everyone, or the read failed). */
  public void abandon(Lookup miss) {
    if (entries != null && miss.pending() != null) {
      entries.asMap().remove(miss.key(), miss.pending());
    }
  }

  /** A product's page and every listing. */
  public void retireProduct(String id) {
    if (entries != null) {
      listings.incrementAndGet();
      entries.invalidate(productKey(id));
    }
  }

  /** The category tree and every listing. */
  public void retireCategories() {
    if (entries != null) {
      listings.incrementAndGet();
      entries.invalidate("categories");
    }
  }

  public void retireListings() {
    listings.incrementAndGet();
  }

  private static String productKey(String id) {
    return "product:" + id;
  }
}
