package io.emporium.common.events;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Writes domain events to a schema's {@code outbox} table inside the caller's transaction, so an
 * event exists if and only if the state change it describes was committed.
 */
public final class Outbox {
  private final String insert;

  public Outbox(String schema) {
    this.insert =
        """
        INSERT INTO %s.outbox (event_id, topic, event_key, event_type, payload)
        VALUES ($1, $2, $3, $4, $5)"""
            .formatted(schema);
  }

  public Future<Void> append(
      SqlConnection tx, String topic, String key, UUID eventId, String eventType, byte[] payload) {
    return tx.preparedQuery(insert)
        .execute(Tuple.of(eventId, topic, key, eventType, Buffer.buffer(payload)))
        .mapEmpty();
  }
}
