package io.emporium.payment.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.Collection;

/**
 * The inbox of the payment providers' events (Stripe's and PayPal's): records each event id once
 * per provider, and hands out the ones not yet applied, each failed one after its wait; keeps count
 * of failures and takes a parked event out of the sweep.
 */
public final class WebhookInbox {
  private static final String RECORD =
      """
      INSERT INTO payment.webhook_events (event_id, event_type, payload, provider) VALUES ($1, $2, $3, $4)
      ON CONFLICT (provider, event_id) DO NOTHING""";
  private static final String NEXT_UNPROCESSED =
      """
      SELECT provider, event_id, event_type, payload FROM payment.webhook_events
      WHERE processed_at IS NULL AND parked_at IS NULL AND next_attempt_at <= now() AND NOT ((provider || ':' || event_id) = ANY($1))
      ORDER BY received_at, event_id LIMIT 1""";
  // the wait doubles from the first failure's, to at most 30 s
  private static final String FAILED =
      """
      UPDATE payment.webhook_events SET attempts = attempts + 1, last_error = $2, first_failed_at = coalesce(first_failed_at, now()),
        next_attempt_at = now() + least($3::bigint * power(2, attempts), 30000) * interval '1 millisecond'
      WHERE provider = $4 AND event_id = $1 AND processed_at IS NULL AND parked_at IS NULL
      RETURNING attempts, first_failed_at""";
  private static final String PARK =
      """
      UPDATE payment.webhook_events SET parked_at = now() WHERE provider = $2 AND event_id = $1 AND processed_at IS NULL AND parked_at IS NULL""";
  private static final String REQUEUE =
      """
      UPDATE payment.webhook_events SET parked_at = NULL, attempts = 0, first_failed_at = NULL, last_error = NULL, next_attempt_at = now()
      WHERE provider = $2 AND event_id = $1 AND processed_at IS NULL""";
  // SKIP LOCKED: an event another instance is applying is left to it
  private static final String CLAIM =
      """
      SELECT 1 FROM payment.webhook_events WHERE provider = $2 AND event_id = $1 AND processed_at IS NULL FOR UPDATE SKIP LOCKED""";
  private static final String MARK_PROCESSED =
      """
      UPDATE payment.webhook_events SET processed_at = now() WHERE provider = $2 AND event_id = $1""";

  public static final String STRIPE = "stripe";
  public static final String PAYPAL = "paypal";

  /** A recorded event: its provider, id, type and the event object as the provider sent it. */
  public record InboxedEvent(
      String provider, String eventId, String eventType, JsonObject payload) {
    /** Unique among all providers' events: {@code provider:eventId}. */
    public String key() {
      return provider + ":" + eventId;
    }
  }

  private final Pool pool;

  public WebhookInbox(Pool pool) {
    this.pool = pool;
  }

  /** True when this event id is new for its provider; false when it was already recorded. */
  public Future<Boolean> record(
      String provider, String eventId, String eventType, JsonObject payload) {
    return pool.preparedQuery(RECORD)
        .execute(Tuple.of(eventId, eventType, payload, provider))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * The oldest event not yet applied, skipping {@code passedOver} (their {@link
   * InboxedEvent#key}s); null when none is left. Nothing is locked.
   */
  public Future<InboxedEvent> nextUnprocessed(Collection<String> passedOver) {
    return pool.preparedQuery(NEXT_UNPROCESSED)
        .execute(Tuple.of(passedOver.toArray(String[]::new)))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row row = rows.iterator().next();
              return new InboxedEvent(
                  row.getString("provider"),
                  row.getString("event_id"),
                  row.getString("event_type"),
                  row.getJsonObject("payload"));
            });
  }

  /**
   * Locks the event for the caller's transaction: false when it was applied meanwhile or another
   * instance is applying it.
   */
  public Future<Boolean> claim(SqlConnection tx, InboxedEvent event) {
    return tx.preparedQuery(CLAIM)
        .execute(Tuple.of(event.eventId(), event.provider()))
        .map(rows -> rows.size() > 0);
  }

  /**
   * A failed attempt, counted with its error; the event waits {@code backoffMillis}, doubled per
   * earlier failure. Null when it is settled.
   */
  public Future<Failure> failed(InboxedEvent event, String error, long backoffMillis) {
    return pool.preparedQuery(FAILED)
        .execute(Tuple.of(event.eventId(), error, backoffMillis, event.provider()))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row row = rows.iterator().next();
              return new Failure(
                  row.getInteger("attempts"), row.getOffsetDateTime("first_failed_at").toInstant());
            });
  }

  /** How often an event has failed, since when. */
  public record Failure(int attempts, Instant firstFailedAt) {}

  /**
   * Takes the event out of the sweep, in the transaction that parks it; false when it was applied
   * or parked meanwhile.
   */
  public Future<Boolean> park(SqlConnection tx, InboxedEvent event) {
    return tx.preparedQuery(PARK)
        .execute(Tuple.of(event.eventId(), event.provider()))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Puts a parked event of {@code provider} back for the sweep, with its attempts from zero. */
  public Future<Void> requeue(SqlConnection tx, String provider, String eventId) {
    return tx.preparedQuery(REQUEUE).execute(Tuple.of(eventId, provider)).mapEmpty();
  }

  public Future<Void> markProcessed(SqlConnection tx, InboxedEvent event) {
    return tx.preparedQuery(MARK_PROCESSED)
        .execute(Tuple.of(event.eventId(), event.provider()))
        .mapEmpty();
  }
}
