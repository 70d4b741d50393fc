package io.emporium.payment.emulator;

import com.stripe.Stripe;
import io.vertx.core.json.JsonObject;
import java.time.Clock;

/**
 * The account's events: each state change becomes an {@code event} object with a snapshot of the
 * object at that moment, kept for {@code GET /v1/events/{id}} and handed to the webhook sender.
 */
final class StripeEvents {
  /** The API version stripe-java's models are generated for; events in it deserialize without loss. */
  static final String API_VERSION = Stripe.API_VERSION;

  record StoredEvent(String id, long created, String payload) {}

  private final Clock clock;
  private final RecentObjects<StoredEvent> events;
  private final WebhookSender webhooks;

  StripeEvents(Clock clock, RecentObjects<StoredEvent> events, WebhookSender webhooks) {
    this.clock = clock;
    this.events = events;
    this.webhooks = webhooks;
  }

  /** Records the event and sends it; events with the same ordering key are delivered in the order they were published. */
  void publish(String type, JsonObject object, String orderingKey, ApiRequest request) {
    String id = StripeIds.next("evt_");
    long created = clock.instant().getEpochSecond();
    String payload = new JsonObject()
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
    webhooks.send(orderingKey, id, type, payload);
  }

  StoredEvent find(String id) {
    return events.get(id);
  }
}
