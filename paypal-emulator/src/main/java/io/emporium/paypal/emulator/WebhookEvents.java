package io.emporium.paypal.emulator;

import io.emporium.emulator.StateJournal;
import io.emporium.emulator.WebhookSender;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PayPal's webhook events ({@code CHECKOUT.ORDER.APPROVED}, {@code PAYMENT.CAPTURE.COMPLETED},
 * {@code PAYMENT.CAPTURE.DENIED}, {@code PAYMENT.CAPTURE.REFUNDED}): made by an operation, written
 * with it, sent once it is on disk, and kept so {@code GET /v1/notifications/webhooks-events/{id}}
 * finds them. Confined to the emulator's event loop.
 */
final class WebhookEvents {
  /** An event and the order its deliveries are sequenced by. */
  record StoredEvent(String id, String type, String orderId, String payload, long created) {}

  private final Clock clock;
  private final StateJournal journal;
  private WebhookSender sender;
  private final Map<String, StoredEvent> events = new LinkedHashMap<>();
  private final Map<String, Boolean> delivered = new LinkedHashMap<>();
  private final int capacity;

  WebhookEvents(Clock clock, StateJournal journal, int capacity) {
    this.clock = clock;
    this.journal = journal;
    this.capacity = capacity;
  }

  void sendWith(WebhookSender webhookSender) {
    this.sender = webhookSender;
  }

  /** Makes an event of the running operation; it is sent once the operation is on disk. */
  void emit(
      String baseUrl,
      String type,
      String resourceType,
      String summary,
      String orderId,
      JsonObject resource) {
    Instant now = clock.instant();
    String id = PayPalIds.event();
    String self = baseUrl + "/v1/notifications/webhooks-events/" + id;
    JsonObject event =
        new JsonObject()
            .put("id", id)
            .put("event_version", "1.0")
            .put("create_time", now.truncatedTo(ChronoUnit.MILLIS).toString())
            .put("resource_type", resourceType)
            .put("resource_version", "2.0")
            .put("event_type", type)
            .put("summary", summary)
            .put("resource", resource)
            .put(
                "links",
                new JsonArray()
                    .add(Order.link(self, "self", "GET"))
                    .add(Order.link(self + "/resend", "resend", "POST")));
    StoredEvent stored = new StoredEvent(id, type, orderId, event.encode(), now.getEpochSecond());
    put(stored);
    journal.add(
        new JsonObject()
            .put("key", "event " + id)
            .put("kind", "event")
            .put("created", stored.created())
            .put("id", id)
            .put("type", type)
            .put("orderId", orderId)
            .put("payload", stored.payload()));
    journal.afterCommit(() -> sender.send(orderId, id, type, stored.payload()));
  }

  private void put(StoredEvent event) {
    events.put(event.id(), event);
    if (events.size() > capacity) {
      String oldest = events.keySet().iterator().next();
      events.remove(oldest);
      delivered.remove(oldest);
    }
  }

  StoredEvent find(String id) {
    return events.get(id);
  }

  /** Delivers a kept event again ({@code POST .../resend}); false when it is not kept. */
  boolean resend(String id) {
    StoredEvent event = events.get(id);
    if (event == null) {
      return false;
    }
    sender.send(event.orderId(), event.id(), event.type(), event.payload());
    return true;
  }

  /** Puts back an event or a finished delivery; false when the record is neither. */
  boolean restore(JsonObject record) {
    switch (record.getString("kind")) {
      case "event" -> {
        put(
            new StoredEvent(
                record.getString("id"),
                record.getString("type"),
                record.getString("orderId"),
                record.getString("payload"),
                record.getLong("created")));
        return true;
      }
      case WebhookSender.DELIVERED -> {
        delivered.put(record.getString("event"), true);
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  /** Sends again, in order, the restored events whose delivery had not finished. */
  void resumeDeliveries() {
    List<StoredEvent> unfinished = new ArrayList<>();
    for (StoredEvent event : events.values()) {
      if (!delivered.containsKey(event.id())) {
        unfinished.add(event);
      }
    }
    delivered.clear();
    unfinished.forEach(e -> sender.send(e.orderId(), e.id(), e.type(), e.payload()));
  }

  void forgetCreatedBefore(long cutoff) {
    events.values().removeIf(e -> e.created() < cutoff);
  }
}
