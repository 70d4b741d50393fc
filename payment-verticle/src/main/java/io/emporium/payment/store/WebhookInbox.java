package io.emporium.payment.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/** The inbox of Stripe events: records each event id once. */
public final class WebhookInbox {
  private static final String RECORD = """
      INSERT INTO payment.webhook_events (event_id, event_type, payload) VALUES ($1, $2, $3)
      ON CONFLICT (event_id) DO NOTHING""";

  private final Pool pool;

  public WebhookInbox(Pool pool) {
    this.pool = pool;
  }

  /** True when this event id is new; false when it was already recorded. */
  public Future<Boolean> record(String eventId, String eventType, JsonObject payload) {
    return pool.preparedQuery(RECORD).execute(Tuple.of(eventId, eventType, payload)).map(rows -> rows.rowCount() == 1);
  }
}
