package io.emporium.stripe.emulator;

import com.stripe.Stripe;
import io.emporium.emulator.StateJournal;
import io.emporium.emulator.WebhookSender;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The account's events: each state change becomes an {@code event} object with a snapshot of the
 * object at that moment, kept for {@code GET /v1/events/{id}} and handed to the webhook sender.
 */
final class StripeEvents {
  /**
   * The API version stripe-java's models are generated for; events in it deserialize without loss.
   */
  static final String API_VERSION = Stripe.API_VERSION;

  record StoredEvent(String id, long created, String payload) {}

  private final Clock clock;
  private final RecentObjects<StoredEvent> events;
  private final WebhookSender webhooks;
  private final StateJournal journal;

  /**
   * Events restored from the journal whose delivery had not finished, by id, in the order they
   * happened.
   */
  private final Map<String, JsonObject> undelivered = new LinkedHashMap<>();

  StripeEvents(
      Clock clock,
      RecentObjects<StoredEvent> events,
      WebhookSender webhooks,
      StateJournal journal) {
    this.clock = clock;
    this.events = events;
    this.webhooks = webhooks;
    this.journal = journal;
  }

  /**
   * Records the event and sends it once the operation is committed; events with the same ordering
   * key are delivered in the order they were published.
   */
  void publish(String type, JsonObject object, String orderingKey, ApiRequest request) {
    String id = StripeIds.next("evt_");
    long created = clock.instant().getEpochSecond();
    String payload =
        new JsonObject()
            .put("id", id)
            .put("object", "event")
            .put("api_version", API_VERSION)
            .put("created", created)
            .put("data", new JsonObject().put("object", object))
            .put("livemode", false)
            .put("pending_webhooks", 1)
            .put("request", request.toJson())
            .put("type", type)
            .encodePrettily();
    events.put(id, new StoredEvent(id, created, payload));
    journal.add(
        new JsonObject()
            .put("key", id)
            .put("kind", "event")
            .put("created", created)
            .put("orderingKey", orderingKey)
            .put("type", type)
            .put("payload", payload));
    journal.afterCommit(() -> webhooks.send(orderingKey, id, type, payload));
  }

  /**
   * Puts back an event or a finished delivery from its journal record; false when the record is
   * neither.
   */
  boolean restore(JsonObject record) {
    switch (record.getString("kind")) {
      case "event" -> {
        events.put(
            record.getString("key"),
            new StoredEvent(
                record.getString("key"), record.getLong("created"), record.getString("payload")));
        undelivered.put(record.getString("key"), record);
      }
      case WebhookSender.DELIVERED -> undelivered.remove(record.getString("event"));
      default -> {
        return false;
      }
    }
    return true;
  }

  /** Sends again, in order, the restored events whose delivery had not finished. */
  void resumeDeliveries() {
    undelivered
        .values()
        .forEach(
            e ->
                webhooks.send(
                    e.getString("orderingKey"),
                    e.getString("key"),
                    e.getString("type"),
                    e.getString("payload")));
    undelivered.clear();
  }

  StoredEvent find(String id) {
    return events.get(id);
  }
}
