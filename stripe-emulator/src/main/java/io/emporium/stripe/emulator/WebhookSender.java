package io.emporium.stripe.emulator;

import io.emporium.emulator.RetrySchedule;
import io.emporium.emulator.StateJournal;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the webhook endpoint as Stripe does: a POST of the event JSON signed in {@code
 * Stripe-Signature} (signed afresh for every attempt), retried with backoff while the endpoint
 * answers non-2xx or cannot be reached. Events with the same ordering key (one checkout and its
 * payment) go one at a time, in the order they happened; different keys go in parallel. Confined to
 * the emulator's event loop.
 */
final class WebhookSender {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

  /** The journal kind of a finished delivery: delivered, or given up on. */
  static final String DELIVERED = "delivered";

  private record Delivery(String eventId, String type, String payload) {}

  private final Vertx vertx;
  private final WebClient client;
  private final String url;
  private final String secret;
  private final RetrySchedule retries;
  private final Clock clock;
  private final StateJournal journal;
  private final Map<String, ArrayDeque<Delivery>> queues = new HashMap<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private boolean stopped;

  WebhookSender(
      Vertx vertx,
      WebClient client,
      String url,
      String secret,
      RetrySchedule retries,
      Clock clock,
      StateJournal journal) {
    this.vertx = vertx;
    this.client = client;
    this.url = url;
    this.secret = secret;
    this.retries = retries;
    this.clock = clock;
    this.journal = journal;
  }

  void send(String orderingKey, String eventId, String type, String payload) {
    ArrayDeque<Delivery> queue = queues.computeIfAbsent(orderingKey, k -> new ArrayDeque<>());
    queue.add(new Delivery(eventId, type, payload));
    if (queue.size() == 1) {
      attempt(orderingKey, queue.peek());
    }
  }

  /** Deliveries waiting or under way, for diagnostics. */
  int pending() {
    return queues.values().stream().mapToInt(ArrayDeque::size).sum();
  }

  void stop() {
    stopped = true;
  }

  private void attempt(String key, Delivery delivery) {
    if (stopped) {
      return;
    }
    String signature =
        StripeSignature.header(delivery.payload(), secret, clock.instant().getEpochSecond());
    client
        .postAbs(url)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Stripe-Signature", signature)
        .putHeader("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
        .timeout(ATTEMPT_TIMEOUT.toMillis())
        .sendBuffer(Buffer.buffer(delivery.payload()))
        .onComplete(
            result -> {
              if (result.succeeded() && result.result().statusCode() / 100 == 2) {
                next(key);
              } else {
                retryOrGiveUp(
                    key,
                    delivery,
                    result.succeeded() ? describe(result.result()) : result.cause().toString());
              }
            });
  }

  private void retryOrGiveUp(String key, Delivery delivery, String why) {
    int failed = failures.merge(delivery.eventId(), 1, Integer::sum);
    Duration delay = retries.delayAfter(failed);
    if (delay == null) {
      LOG.warn(
          "Stripe emulator: gave up delivering {} {} to {} after {} attempts, last: {}",
          delivery.type(),
          delivery.eventId(),
          url,
          failed,
          why);
      next(key);
    } else {
      LOG.info(
          "Stripe emulator: delivering {} {} to {} failed ({}); attempt {} in {} ms",
          delivery.type(),
          delivery.eventId(),
          url,
          why,
          failed + 1,
          delay.toMillis());
      vertx.setTimer(Math.max(1, delay.toMillis()), t -> attempt(key, delivery));
    }
  }

  private void next(String key) {
    ArrayDeque<Delivery> queue = queues.get(key);
    String finished = queue.poll().eventId();
    failures.remove(finished);
    journal.appendNow(
        new JsonObject()
            .put("key", DELIVERED + " " + finished)
            .put("kind", DELIVERED)
            .put("created", clock.instant().getEpochSecond())
            .put("event", finished));
    if (queue.isEmpty()) {
      queues.remove(key);
    } else {
      attempt(key, queue.peek());
    }
  }

  private static String describe(HttpResponse<Buffer> response) {
    return "HTTP " + response.statusCode();
  }
}
