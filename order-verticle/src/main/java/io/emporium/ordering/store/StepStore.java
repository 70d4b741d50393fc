package io.emporium.ordering.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@code order_steps} table: order moves asked for and not yet done (see {@code OrderMoves}).
 */
public final class StepStore {
  // the order's only step is taken at once by whoever asked for it; one behind another waits for
  // its turn
  private static final String INSERT =
      """
      INSERT INTO ordering.order_steps (order_id, kind, args, request_id, lease_until, attempts)
      SELECT $1, $2, $3, $4, CASE WHEN earlier THEN NULL ELSE now() + make_interval(secs => $5) END, CASE WHEN earlier THEN 0 ELSE 1 END
      FROM (SELECT EXISTS (SELECT 1 FROM ordering.order_steps WHERE order_id = $1) AS earlier) e
      RETURNING id, attempts""";
  private static final String LOCK_ORDER = "SELECT 1 FROM ordering.orders WHERE id = $1 FOR UPDATE";
  // the oldest step of each order whose turn has come and that no one holds, locked against other
  // claimers
  private static final String CLAIM =
      """
      UPDATE ordering.order_steps s SET lease_until = now() + make_interval(secs => $1), attempts = s.attempts + 1
      WHERE s.id IN (
        SELECT h.id FROM ordering.order_steps h
        WHERE h.run_after <= now() AND (h.lease_until IS NULL OR h.lease_until < now())
          AND NOT EXISTS (SELECT 1 FROM ordering.order_steps e WHERE e.order_id = h.order_id AND e.id < h.id)
        ORDER BY h.id LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING s.id, s.order_id, s.kind, s.args, s.request_id, s.attempts, s.first_failed_at""";
  private static final String DELETE = "DELETE FROM ordering.order_steps WHERE id = $1";
  private static final String FAILED =
      """
      UPDATE ordering.order_steps SET lease_until = NULL, run_after = now() + make_interval(secs => $2), last_error = $3,
        first_failed_at = coalesce(first_failed_at, now())
      WHERE id = $1""";
  private static final String BUSY =
      "SELECT EXISTS (SELECT 1 FROM ordering.order_steps WHERE order_id = $1) AS busy";
  private static final String WAITING = "SELECT count(*) AS waiting FROM ordering.order_steps";

  /** A claimed step: {@code attempts} counts this one. */
  public record Claimed(
      long id,
      UUID orderId,
      String kind,
      JsonObject args,
      String requestId,
      int attempts,
      OffsetDateTime firstFailedAt) {}

  /** A step just asked for; {@code claimed} when the asker holds it. */
  public record Asked(long id, boolean claimed) {}

  private final Pool pool;

  public StepStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Adds a step for the order, with the order's row locked so a move that checks for steps sees it
   * or goes first. When the order has no other step, the step is claimed for {@code lease} at once,
   * to be run by the asker once it commits; otherwise it waits for its turn.
   */
  public Future<Asked> insert(
      SqlConnection tx,
      UUID orderId,
      String kind,
      JsonObject args,
      String requestId,
      Duration lease) {
    return tx.preparedQuery(LOCK_ORDER)
        .execute(Tuple.of(orderId))
        .compose(
            v ->
                tx.preparedQuery(INSERT)
                    .execute(Tuple.of(orderId, kind, args, requestId, lease.toMillis() / 1000.0)))
        .map(
            rows -> {
              Row r = rows.iterator().next();
              return new Asked(r.getLong("id"), r.getInteger("attempts") == 1);
            });
  }

  /** Takes up to {@code limit} steps whose turn has come, each held for {@code lease}. */
  public Future<List<Claimed>> claim(int limit, Duration lease) {
    return pool.preparedQuery(CLAIM)
        .execute(Tuple.of(lease.toMillis() / 1000.0, limit))
        .map(
            rows -> {
              List<Claimed> claimed = new ArrayList<>();
              for (Row r : rows) {
                claimed.add(
                    new Claimed(
                        r.getLong("id"),
                        r.getUUID("order_id"),
                        r.getString("kind"),
                        r.getJsonObject("args"),
                        r.getString("request_id"),
                        r.getInteger("attempts"),
                        r.getOffsetDateTime("first_failed_at")));
              }
              return claimed;
            });
  }

  /**
   * The step is done (or refused, or parked): in the transaction that records what it did, or on
   * its own.
   */
  public Future<Void> delete(SqlClient client, long id) {
    return client.preparedQuery(DELETE).execute(Tuple.of(id)).mapEmpty();
  }

  /**
   * The step failed: it is let go, to be taken again after {@code wait}; false when it is gone
   * already.
   */
  public Future<Boolean> failed(long id, Duration wait, String error) {
    return pool.preparedQuery(FAILED)
        .execute(Tuple.of(id, wait.toMillis() / 1000.0, error))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Whether a move of the order is asked for or under way; in the transaction that holds the
   * order's row.
   */
  public Future<Boolean> busy(SqlConnection tx, UUID orderId) {
    return tx.preparedQuery(BUSY)
        .execute(Tuple.of(orderId))
        .map(rows -> rows.iterator().next().getBoolean("busy"));
  }

  public Future<Long> waiting() {
    return pool.query(WAITING).execute().map(rows -> rows.iterator().next().getLong("waiting"));
  }
}
