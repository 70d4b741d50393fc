package io.emporium.paypal.emulator;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the webhook endpoint as PayPal does: a POST of the event JSON with {@code
 * PAYPAL-TRANSMISSION-ID}, {@code -TIME}, {@code -SIG}, {@code PAYPAL-CERT-URL} and {@code
 * PAYPAL-AUTH-ALGO} (signed afresh, with a new transmission, for every attempt), retried with
 * backoff while the endpoint answers non-2xx or cannot be reached. Events of one order go one at a
 * time, in the order they happened; different orders go in parallel. Confined to the emulator's
 * event loop.
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
  private final String webhookId;
  private final SigningKey key;
  private final Supplier<String> certUrl;
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
      String webhookId,
      SigningKey key,
      Supplier<String> certUrl,
      RetrySchedule retries,
      Clock clock,
      StateJournal journal) {
    this.vertx = vertx;
    this.client = client;
    this.url = url;
    this.webhookId = webhookId;
    this.key = key;
    this.certUrl = certUrl;
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

  void stop() {
    stopped = true;
  }

  private void attempt(String orderingKey, Delivery delivery) {
    if (stopped) {
      return;
    }
    byte[] body = delivery.payload().getBytes(StandardCharsets.UTF_8);
    String transmissionId = UUID.randomUUID().toString();
    String transmissionTime = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    String signature =
        key.sign(SigningKey.signedString(transmissionId, transmissionTime, webhookId, body));
    client
        .postAbs(url)
        .putHeader("Content-Type", "application/json")
        .putHeader("PAYPAL-TRANSMISSION-ID", transmissionId)
        .putHeader("PAYPAL-TRANSMISSION-TIME", transmissionTime)
        .putHeader("PAYPAL-TRANSMISSION-SIG", signature)
        .putHeader("PAYPAL-CERT-URL", certUrl.get())
        .putHeader("PAYPAL-AUTH-ALGO", SigningKey.ALGORITHM)
        .putHeader("User-Agent", "PayPal/AUHD-214.0-emulator")
        .timeout(ATTEMPT_TIMEOUT.toMillis())
        .sendBuffer(Buffer.buffer(body))
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
          "PayPal emulator: gave up delivering {} {} to {} after {} attempts, last: {}",
          delivery.type(),
          delivery.eventId(),
          url,
          failed,
          why);
      next(orderingKey);
    } else {
      LOG.info(
          "PayPal emulator: delivering {} {} to {} failed ({}); attempt {} in {} ms",
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
