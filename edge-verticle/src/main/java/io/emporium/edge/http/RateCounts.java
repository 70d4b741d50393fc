package io.emporium.edge.http;

import io.emporium.edge.identity.FixedWindowCounter;
import io.emporium.edge.identity.FixedWindowCounter.Window;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The API's rate-limit counts as one edge event loop keeps them: Redis holds the count every edge
 * shares, and a caller far from its limit is counted here first and settled with Redis in one batch
 * a few times a second, so a read does not wait on a Redis round trip. Near the limit (fewer than
 * {@link #EXACT_BELOW} requests left) or on a caller's first request in a window, every hit waits
 * for Redis's count, so the limit itself is exact; far from it, one event loop counts on its own at
 * most a {@link #LOCAL_SHARE}th of what the window had left at its last count before it settles
 * again. Not thread-safe: one instance per event loop, used from its thread only.
 */
final class RateCounts {
  /** Fewer requests left than this, and every hit waits for Redis. */
  static final long EXACT_BELOW = 100;

  /** One event loop counts on its own at most this fraction of what a window has left. */
  static final long LOCAL_SHARE = 16;

  /** How long hits counted here wait before they are settled with Redis. */
  static final long SETTLE_AFTER_MS = 50;

  /** Callers remembered per event loop; past it, new callers are counted in Redis only. */
  static final int MAX_CALLERS = 10_000;

  private final Vertx vertx;
  private final FixedWindowCounter redis;
  private final Map<String, Count> counts = new HashMap<>();
  private boolean settleScheduled;

  RateCounts(Vertx vertx, FixedWindowCounter redis) {
    this.vertx = vertx;
    this.redis = redis;
  }

  /** Counts one request of {@code key} against {@code limit} in {@code window}. */
  Future<Window> hit(String key, Duration window, long limit) {
    long now = System.currentTimeMillis();
    Count count = counts.get(key);
    if (count != null && now >= count.endsAt) {
      // hits not yet settled belonged to a window Redis has already let go of
      counts.remove(key);
      count = null;
    }
    if (count != null && count.mayCountHere(limit)) {
      count.unsent++;
      scheduleSettle();
      return Future.succeededFuture(new Window(count.estimate(), count.endsAt - now));
    }
    Count known = count;
    long hits = 1;
    if (known != null) {
      // this hit and those counted here go to Redis together
      known.unsent++;
      hits = known.takeUnsent();
    }
    long sent = hits;
    return redis
        .hit(key, window, sent)
        .andThen(
            ar -> {
              if (known != null) {
                known.settled(sent, ar.succeeded() ? ar.result() : null);
              } else if (ar.succeeded()) {
                remember(key, window, ar.result(), limit);
              }
            });
  }

  private void remember(String key, Duration window, Window w, long limit) {
    if (limit - w.count() < EXACT_BELOW || counts.containsKey(key)) {
      return;
    }
    if (counts.size() >= MAX_CALLERS) {
      forgetEnded(System.currentTimeMillis());
      if (counts.size() >= MAX_CALLERS) {
        return;
      }
    }
    Count count = new Count(window);
    count.settled(0, w);
    counts.put(key, count);
  }

  private void scheduleSettle() {
    if (!settleScheduled) {
      settleScheduled = true;
      vertx.setTimer(SETTLE_AFTER_MS, id -> settle());
    }
  }

  /** Sends every caller's hits counted here to Redis, one batch per caller. */
  private void settle() {
    settleScheduled = false;
    long now = System.currentTimeMillis();
    forgetEnded(now);
    counts.forEach(
        (key, count) -> {
          if (count.unsent > 0) {
            long hits = count.takeUnsent();
            redis
                .hit(key, count.window, hits)
                .onComplete(ar -> count.settled(hits, ar.succeeded() ? ar.result() : null));
          }
        });
  }

  private void forgetEnded(long now) {
    for (Iterator<Count> it = counts.values().iterator(); it.hasNext(); ) {
      if (now >= it.next().endsAt) {
        it.remove();
      }
    }
  }

  /** One caller's window as this event loop knows it. */
  private static final class Count {
    final Duration window;

    /** The latest count Redis answered. */
    long settled;

    /** Hits sent to Redis and not answered yet. */
    long inFlight;

    /** Hits counted here and not sent yet. */
    long unsent;

    /** When the window ends, by this machine's clock. */
    long endsAt;

    Count(Duration window) {
      this.window = window;
    }

    long estimate() {
      return settled + inFlight + unsent;
    }

    boolean mayCountHere(long limit) {
      return limit - (estimate() + 1) >= EXACT_BELOW && unsent < (limit - settled) / LOCAL_SHARE;
    }

    long takeUnsent() {
      long hits = unsent;
      unsent = 0;
      inFlight += hits;
      return hits;
    }

    /** Redis answered (or, when {@code w} is null, failed) a batch of {@code hits}. */
    void settled(long hits, Window w) {
      inFlight -= hits;
      if (w != null) {
        // answers may arrive out of order: the highest count is the latest
        settled = Math.max(settled, w.count());
        endsAt = System.currentTimeMillis() + w.millisLeft();
      }
    }
  }
}
