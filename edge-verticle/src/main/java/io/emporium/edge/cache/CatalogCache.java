package io.emporium.edge.cache;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public catalog reads kept in Redis so the hot ones skip the catalog service: product pages, the
 * category list and listings. Each entry is stored with the version of its item it was read at, and
 * a change moves the version on (the catalog's change events do, and the edge's own writes at
 * once); an entry of an older version is a miss, so a read that raced a change cannot serve its old
 * answer. Every change also moves the listings' version on. Redis failing or slow counts as a miss,
 * and the edge answers from the catalog. In front of Redis sits this process's {@link NearCache}: a
 * change retires its entries here before it is answered, and in every edge process once its {@link
 * CatalogChangeFeed} reads the catalog's event of it.
 */
public final class CatalogCache {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogCache.class);
  private static final Duration PRODUCT_TTL = Duration.ofMinutes(5);
  private static final Duration CATEGORIES_TTL = Duration.ofMinutes(5);
  private static final Duration LISTING_TTL = Duration.ofSeconds(30);

  /**
   * The longest an entry stays in Redis: a change longer ago than this has no entry left to retire.
   */
  static final Duration LONGEST_TTL =
      PRODUCT_TTL.compareTo(CATEGORIES_TTL) > 0 ? PRODUCT_TTL : CATEGORIES_TTL;

  /**
   * Outlives every entry stored under the version, so a version that restarts at 0 finds nothing
   * old.
   */
  private static final Duration VERSION_TTL = Duration.ofMinutes(15);

  private static final long REDIS_TIMEOUT_MS = 250;
  private static final String LISTINGS = "catalog:listings";
  private static final String CATEGORIES = "catalog:categories";

  private final Redis redis;
  private final NearCache near;

  public CatalogCache(Redis redis, NearCache near) {
    this.redis = redis;
    this.near = near;
  }

  /**
   * What a catalog change makes stale: a product's page, the category tree, or (a product added)
   * the listings only.
   */
  public enum Stale {
    PRODUCT,
    CATEGORIES,
    LISTINGS
  }

  /** One change to retire; every change retires the listings too. */
  public record Change(Stale stale, String productId) {
    public static final Change CATEGORIES = new Change(Stale.CATEGORIES, null);
    public static final Change LISTINGS = new Change(Stale.LISTINGS, null);

    public static Change product(String id) {
      return new Change(Stale.PRODUCT, id);
    }
  }

  /**
   * What the cache holds for one item: its body (null on a miss), where and at which version a
   * fresh body belongs in Redis, and the near cache's placeholder for it.
   */
  public record Entry(String key, String version, String body, NearCache.Lookup nearby) {
    public boolean hit() {
      return body != null;
    }

    /** Nothing cached, and nowhere to keep an answer (an id that cannot exist). */
    public static Entry none() {
      return new Entry(null, null, null, null);
    }
  }

  public Future<Entry> product(String id) {
    return read(near.product(id), productItem(id), productItem(id));
  }

  public Future<Entry> categories() {
    return read(near.categories(), CATEGORIES, CATEGORIES);
  }

  /** The cached listing for a canonical query string. */
  public Future<Entry> listing(String query) {
    return read(near.listing(query), LISTINGS, "catalog:listing:" + sha256(query));
  }

  /**
   * Gives up a miss's place in the near cache: its answer is not public (a draft shown to its
   * seller).
   */
  public void notCached(Entry miss) {
    if (miss.nearby() != null) {
      near.abandon(miss.nearby());
    }
  }

  public void putProduct(Entry miss, String body) {
    put(miss, body, PRODUCT_TTL);
  }

  public void putCategories(Entry miss, String body) {
    put(miss, body, CATEGORIES_TTL);
  }

  public void putListing(Entry miss, String body) {
    put(miss, body, LISTING_TTL);
  }

  /**
   * Retires a product's page and every listing before this edge answers the change that made them
   * stale; never fails (every edge's {@link CatalogChangeFeed} retires them again when the
   * catalog's event comes).
   */
  public Future<Void> productChanged(String id) {
    return quietly(retire(Change.product(id))).mapEmpty();
  }

  public Future<Void> categoriesChanged() {
    return quietly(retire(Change.CATEGORIES)).mapEmpty();
  }

  /**
   * Moves the change's items on in Redis, then retires them from this process's near cache (after
   * Redis: a read that got the old entry from Redis meanwhile has its placeholder retired too).
   * Fails when Redis did not take it, for a caller that tries again; the near cache has let go
   * either way.
   */
  public Future<Void> retire(Change change) {
    String item =
        switch (change.stale()) {
          case PRODUCT -> productItem(change.productId());
          case CATEGORIES -> CATEGORIES;
          case LISTINGS -> LISTINGS;
        };
    return moveOn(item)
        .onComplete(
            done -> {
              switch (change.stale()) {
                case PRODUCT -> near.retireProduct(change.productId());
                case CATEGORIES -> near.retireCategories();
                case LISTINGS -> near.retireListings();
              }
            });
  }

  /**
   * The near cache's entry when it has one; else one Redis round trip: the item's current version
   * and its entry, which holds "version|body".
   */
  private Future<Entry> read(NearCache.Lookup nearby, String versionOf, String key) {
    if (nearby.hit()) {
      return Future.succeededFuture(new Entry(null, null, nearby.body(), null));
    }
    Future<Entry> found =
        redis
            .send(Request.cmd(Command.MGET).arg(versionOf + ":version").arg(key))
            .map(
                r -> {
                  String version = r.get(0) == null ? "0" : r.get(0).toString();
                  String stored = r.get(1) == null ? null : r.get(1).toString();
                  String prefix = version + "|";
                  return new Entry(
                      key,
                      version,
                      stored != null && stored.startsWith(prefix)
                          ? stored.substring(prefix.length())
                          : null,
                      nearby);
                });
    return quietly(found)
        .map(
            e -> {
              if (e == null) {
                // without Redis no version vouches for an answer: the near cache keeps none either
                near.abandon(nearby);
                return new Entry(null, null, null, null);
              }
              if (e.hit()) {
                near.fill(nearby, e.body());
              }
              return e;
            });
  }

  private void put(Entry miss, String body, Duration ttl) {
    if (miss.nearby() != null) {
      near.fill(miss.nearby(), body);
    }
    if (miss.key() != null) {
      quietly(
          redis.send(
              Request.cmd(Command.SET)
                  .arg(miss.key())
                  .arg(miss.version() + "|" + body)
                  .arg("PX")
                  .arg(ttl.toMillis())));
    }
  }

  private Future<Void> moveOn(String item) {
    return redis
        .batch(
            List.of(
                Request.cmd(Command.INCR).arg(item + ":version"),
                Request.cmd(Command.PEXPIRE).arg(item + ":version").arg(VERSION_TTL.toMillis()),
                Request.cmd(Command.INCR).arg(LISTINGS + ":version"),
                Request.cmd(Command.PEXPIRE)
                    .arg(LISTINGS + ":version")
                    .arg(VERSION_TTL.toMillis())))
        .timeout(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .mapEmpty();
  }

  private static <T> Future<T> quietly(Future<T> call) {
    return call.timeout(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .recover(
            e -> {
              LOG.debug("catalog cache unavailable: {}", e.toString());
              return Future.succeededFuture(null);
            });
  }

  private static String productItem(String id) {
    return "catalog:product:" + id;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
