package io.emporium.edge.identity;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;

/**
 * Fixed-window counters in Redis, shared by every edge process: one atomic script per hit counts it
 * and starts the window on the first, so each check is one round trip. The limiters ({@link
 * AuthThrottle}, the API's rate limits) decide what a count means.
 */
public final class FixedWindowCounter {
  /**
   * INCR, with the window set on the first hit (or on a key that somehow lost it); answers {count,
   * milliseconds left}.
   */
  private static final String HIT =
      """
      local n = redis.call('INCR', KEYS[1])
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

  private final Redis redis;

  public FixedWindowCounter(Redis redis) {
    this.redis = redis;
  }

  public Future<Window> hit(String key, Duration window) {
    return redis
        .send(Request.cmd(Command.EVAL).arg(HIT).arg(1).arg(key).arg(window.toMillis()))
        .map(FixedWindowCounter::window);
  }

  private static Window window(Response r) {
    return new Window(r.get(0).toLong(), r.get(1).toLong());
  }
}
