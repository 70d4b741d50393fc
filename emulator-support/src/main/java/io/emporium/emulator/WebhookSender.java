package io.emporium.emulator;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the webhook endpoint as a provider does: a POST of the event JSON with the
 * headers its {@link Signer} gives (signed afresh for every attempt), retried on the {@link
 * RetrySchedule} while the endpoint answers non-2xx or cannot be reached. Events with the same
 * ordering key (one checkout or order and its payment) go one at a time, in the order they
 * happened; different keys go in parallel. A finished delivery (delivered, or given up on) is
 * journaled as a {@link #DELIVERED} record naming the {@code event}. Confined to the emulator's
 * event loop.
 */
public final class WebhookSender {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

  /** The journal kind of a finished delivery: delivered, or given up on. */
  public static final String DELIVERED = "delivered";

  /** The headers of one attempt to deliver {@code payload}, its signature among them. */
  @FunctionalInterface
  public interface Signer {
    MultiMap headers(String payload);
  }

  private record Delivery(String eventId, String type, String payload) {}

  private final Vertx vertx;
  private final WebClient client;
  private final String url;
  private final String emulator;
  private final Signer signer;
  private final RetrySchedule retries;
  private final Clock clock;
  private final StateJournal journal;
  private final Map<String, ArrayDeque<Delivery>> queues = new HashMap<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private boolean stopped;

  /** {@code emulator} names it in the log. */
  public WebhookSender(
      Vertx vertx,
      WebClient client,
      String url,
      String emulator,
      Signer signer,
      RetrySchedule retries,
      Clock clock,
      StateJournal journal) {
    this.vertx = vertx;
    this.client = client;
    this.url = url;
    this.emulator = emulator;
    this.signer = signer;
    this.retries = retries;
    this.clock = clock;
    this.journal = journal;
  }

  public void send(String orderingKey, String eventId, String type, String payload) {
    ArrayDeque<Delivery> queue = queues.computeIfAbsent(orderingKey, k -> new ArrayDeque<>());
    queue.add(new Delivery(eventId, type, payload));
    if (queue.size() == 1) {
      attempt(orderingKey, queue.peek());
    }
  }

  public void stop() {
    stopped = true;
  }

  private void attempt(String orderingKey, Delivery delivery) {
    if (stopped) {
      return;
    }
    client
        .postAbs(url)
        .putHeaders(signer.headers(delivery.payload()))
        .timeout(ATTEMPT_TIMEOUT.toMillis())
        .sendBuffer(Buffer.buffer(delivery.payload()))
        .onComplete(
            result -> {
              if (result.succeeded() && result.result().statusCode() / 100 == 2) {
                next(orderingKey);
              } else {
                retryOrGiveUp(
                    orderingKey,
                    delivery,
                    result.succeeded()
                        ? "HTTP " + result.result().statusCode()
                        : result.cause().toString());
              }
            });
  }

  private void retryOrGiveUp(String orderingKey, Delivery delivery, String why) {
    int failed = failures.merge(delivery.eventId(), 1, Integer::sum);
    Duration delay = retries.delayAfter(failed);
    if (delay == null) {
      LOG.warn(
          "{}: gave up delivering {} {} to {} after {} attempts, last: {}",
          emulator,
          delivery.type(),
          delivery.eventId(),
          url,
          failed,
          why);
      next(orderingKey);
    } else {
      LOG.info(
          "{}: delivering {} {} to {} failed ({}); attempt {} in {} ms",
          emulator,
          delivery.type(),
          delivery.eventId(),
          url,
          why,
          failed + 1,
          delay.toMillis());
      vertx.setTimer(Math.max(1, delay.toMillis()), t -> attempt(orderingKey, delivery));
    }
  }

  private void next(String orderingKey) {
    ArrayDeque<Delivery> queue = queues.get(orderingKey);
    String finished = queue.poll().eventId();
    failures.remove(finished);
    journal.appendNow(
        new JsonObject()
            .put("key", DELIVERED + " " + finished)
            .put("kind", DELIVERED)
            .put("created", clock.instant().getEpochSecond())
            .put("event", finished));
    if (queue.isEmpty()) {
      queues.remove(orderingKey);
    } else {
      attempt(orderingKey, queue.peek());
    }
  }
}
