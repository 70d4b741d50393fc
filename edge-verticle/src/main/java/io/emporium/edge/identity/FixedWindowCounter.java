package io.emporium.edge.identity;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Fixed-window counters in Redis, shared by every edge process: one atomic script per hit (or per
 * batch of hits) counts it and starts the window on the first, so each check is one round trip. The
 * script is sent by its digest; Redis gets its text again only after a restart forgot it. The
 * limiters ({@link AuthThrottle}, the API's rate limits) decide what a count means.
 */
public final class FixedWindowCounter {
  /**
   * INCRBY, with the window set on the first hit (or on a key that somehow lost it); answers
   * {count, milliseconds left}.
   */
  private static final String HIT =
      """
      local n = redis.call('INCRBY', KEYS[1], ARGV[2])
      local ttl = redis.call('PTTL', KEYS[1])
      if ttl < 0 then
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        ttl = tonumber(ARGV[1])
      end
      return {n, ttl}""";

  /** A window after a hit: how many hits it holds, this one included, and when it ends. */
  public record Window(long count, long millisLeft) {
    /** Seconds until the window ends, rounded up, at least 1. */
    public long secondsLeft() {
      return Math.max(1, (millisLeft + 999) / 1000);
    }
  }

  private static final String HIT_DIGEST = sha1Hex(HIT);

  private final Redis redis;

  public FixedWindowCounter(Redis redis) {
    this.redis = redis;
  }

  public Future<Window> hit(String key, Duration window) {
    return hit(key, window, 1);
  }

  /** Counts {@code hits} at once (at least 1); the window answered holds them all. */
  public Future<Window> hit(String key, Duration window, long hits) {
    return redis
        .send(script(Command.EVALSHA, HIT_DIGEST, key, window, hits))
        .recover(
            e ->
                e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")
                    ? redis.send(script(Command.EVAL, HIT, key, window, hits))
                    : Future.failedFuture(e))
        .map(FixedWindowCounter::window);
  }

  private static Request script(
      Command command, String script, String key, Duration window, long hits) {
    return Request.cmd(command).arg(script).arg(1).arg(key).arg(window.toMillis()).arg(hits);
  }

  private static String sha1Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }

  private static Window window(Response r) {
    return new Window(r.get(0).toLong(), r.get(1).toLong());
  }
}
