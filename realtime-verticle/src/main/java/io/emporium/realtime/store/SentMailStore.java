package io.emporium.realtime.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** The mails the SMTP server has accepted, one row per (event, kind, recipient). */
public final class SentMailStore {
  private static final String SENT =
      """
      SELECT 1 FROM realtime.sent_mails WHERE event_id = $1 AND kind = $2 AND recipient = $3""";
  private static final String RECORD =
      """
      INSERT INTO realtime.sent_mails (event_id, kind, recipient) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING""";

  private final Pool pool;

  public SentMailStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Boolean> wasSent(UUID eventId, String kind, String recipient) {
    return pool.preparedQuery(SENT)
        .execute(Tuple.of(eventId, kind, recipient))
        .map(rows -> rows.size() > 0);
  }

  /**
   * Commits on its own, outside the event's transaction: a mail once accepted stays recorded
   * whatever happens next.
   */
  public Future<Void> recordSent(UUID eventId, String kind, String recipient) {
    return pool.preparedQuery(RECORD).execute(Tuple.of(eventId, kind, recipient)).mapEmpty();
  }
}
