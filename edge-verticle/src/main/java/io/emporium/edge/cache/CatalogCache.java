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
 * Public catalog reads kept in Redis so the hot ones skip the catalog service: product pages, the category
 * list and listings. Each entry is stored with the version of its item it was read at, and a change moves
 * the version on (the catalog's change events do, and the edge's own writes at once); an entry of an older
 * version is a miss, so a read that raced a change cannot serve its old answer. Every change also moves
 * the listings' version on. Redis failing or slow counts as a miss, and the edge answers from the catalog.
 */
public final class CatalogCache {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogCache.class);
  private static final Duration PRODUCT_TTL = Duration.ofMinutes(5);
  private static final Duration CATEGORIES_TTL = Duration.ofMinutes(5);
  private static final Duration LISTING_TTL = Duration.ofSeconds(30);
  /** Outlives every entry stored under the version, so a version that restarts at 0 finds nothing old. */
  private static final Duration VERSION_TTL = Duration.ofMinutes(15);
  private static final long REDIS_TIMEOUT_MS = 250;
  private static final String LISTINGS = "catalog:listings";
  private static final String CATEGORIES = "catalog:categories";

  private final Redis redis;

  public CatalogCache(Redis redis) {
    this.redis = redis;
  }

  /** What the cache holds for one item: its body (null on a miss), and where and at which version a fresh body belongs. */
  public record Entry(String key, String version, String body) {
    public boolean hit() {
      return body != null;
    }
  }

  public Future<Entry> product(String id) {
    return read(productItem(id));
  }

  public Future<Entry> categories() {
    return read(CATEGORIES);
  }

  /** The cached listing for a canonical query string. */
  public Future<Entry> listing(String query) {
    return read(LISTINGS, "catalog:listing:" + sha256(query));
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

  /** Retires a product's page and every listing; never fails (the catalog's event retires them again). */
  public Future<Void> productChanged(String id) {
    return quietly(moveOn(productItem(id))).mapEmpty();
  }

  public Future<Void> categoriesChanged() {
    return quietly(moveOn(CATEGORIES)).mapEmpty();
  }

  /** For the event consumer: fails when Redis did not take it, so the event is applied again later. */
  public Future<Void> retireProduct(String id) {
    return moveOn(productItem(id));
  }

  public Future<Void> retireCategories() {
    return moveOn(CATEGORIES);
  }

  public Future<Void> retireListings() {
    return moveOn(LISTINGS);
  }

  private Future<Entry> read(String item) {
    return read(item, item);
  }

  /** One round trip: the item's current version and its entry, which holds "version|body". */
  private Future<Entry> read(String versionOf, String key) {
    Future<Entry> found = redis.send(Request.cmd(Command.MGET).arg(versionOf + ":version").arg(key)).map(r -> {
      String version = r.get(0) == null ? "0" : r.get(0).toString();
      String stored = r.get(1) == null ? null : r.get(1).toString();
      String prefix = version + "|";
      return new Entry(key, version, stored != null && stored.startsWith(prefix) ? stored.substring(prefix.length()) : null);
    });
    return quietly(found).map(e -> e == null ? new Entry(null, null, null) : e);
  }

  private void put(Entry miss, String body, Duration ttl) {
    if (miss.key() != null) {
      quietly(redis.send(Request.cmd(Command.SET).arg(miss.key()).arg(miss.version() + "|" + body).arg("PX").arg(ttl.toMillis())));
    }
  }

  private Future<Void> moveOn(String item) {
    return redis.batch(List.of(
            Request.cmd(Command.INCR).arg(item + ":version"),
            Request.cmd(Command.PEXPIRE).arg(item + ":version").arg(VERSION_TTL.toMillis()),
            Request.cmd(Command.INCR).arg(LISTINGS + ":version"),
            Request.cmd(Command.PEXPIRE).arg(LISTINGS + ":version").arg(VERSION_TTL.toMillis())))
        .timeout(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS).mapEmpty();
  }

  private static <T> Future<T> quietly(Future<T> call) {
    return call.timeout(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS).recover(e -> {
      LOG.debug("catalog cache unavailable: {}", e.toString());
      return Future.succeededFuture(null);
    });
  }

  private static String productItem(String id) {
    return "catalog:product:" + id;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
