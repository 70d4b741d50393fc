package io.emporium.realtime.store;

import io.emporium.proto.realtime.v1.Push;
import io.emporium.proto.realtime.v1.PushList;
import io.emporium.realtime.domain.Pushes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Pushed messages in the {@code realtime} schema: numbered per address without gaps, kept for
 * catch-up.
 */
public final class PushStore {
  // every transaction that numbers pushes takes this first, so address locks are never taken in two
  // orders at once
  private static final String NUMBERING_LOCK =
      "SELECT pg_advisory_xact_lock(hashtext('realtime.pushes'))";
  // the upsert's row lock makes one address's numbers follow commit order
  private static final String APPEND =
      """
      WITH next AS (
        INSERT INTO realtime.address_sequences AS s (address, last_seq) VALUES ($1, 1)
        ON CONFLICT (address) DO UPDATE SET last_seq = s.last_seq + 1
        RETURNING last_seq)
      INSERT INTO realtime.pushes (address, seq, event_id, body) SELECT $1, last_seq, $2, $3 FROM next
      RETURNING seq""";
  private static final String MISSED =
      """
      SELECT seq, body, pushed_at FROM realtime.pushes WHERE address = $1 AND seq > $2 AND pushed_at > $3
      ORDER BY seq LIMIT $4""";
  private static final int PURGE_BATCH = 10_000;
  private static final String LAST =
      "SELECT last_seq FROM realtime.address_sequences WHERE address = $1";
  private static final String PURGE =
      """
      DELETE FROM realtime.pushes WHERE ctid IN (SELECT ctid FROM realtime.pushes WHERE pushed_at < $1 LIMIT %d)"""
          .formatted(PURGE_BATCH);

  private final Pool pool;
  private final Duration retention;

  public PushStore(Pool pool, Duration retention) {
    this.pool = pool;
    this.retention = retention;
  }

  /**
   * Numbers and keeps the event's pushes in the caller's transaction; answers them with {@code seq}
   * set, to publish after commit.
   */
  public Future<List<Pushes.Push>> append(
      SqlConnection tx, UUID eventId, List<Pushes.Push> pushes) {
    if (pushes.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Pushes.Push> sorted =
        pushes.stream().sorted(Comparator.comparing(Pushes.Push::address)).toList();
    List<Tuple> rows =
        sorted.stream()
            .map(p -> Tuple.of(p.address(), eventId, new JsonObject(p.body()).encode()))
            .toList();
    return tx.query(NUMBERING_LOCK)
        .execute()
        .compose(locked -> tx.preparedQuery(APPEND).executeBatch(rows))
        .map(
            result -> {
              List<Pushes.Push> numbered = new ArrayList<>(sorted.size());
              RowSet<Row> r = result;
              for (Pushes.Push p : sorted) {
                Map<String, Object> body = new LinkedHashMap<>(p.body());
                body.put("seq", r.iterator().next().getLong("seq"));
                numbered.add(new Pushes.Push(p.address(), body));
                r = r.next();
              }
              return numbered;
            });
  }

  /**
   * What was pushed to {@code address} after {@code afterSeq}, oldest first; truncated when some
   * are gone or beyond the limit.
   */
  public Future<PushList> missed(String address, long afterSeq, int limit) {
    return pool.preparedQuery(MISSED)
        .execute(Tuple.of(address, afterSeq, cutoff(), limit + 1))
        .compose(
            rows -> {
              PushList.Builder list = PushList.newBuilder();
              for (Row row : rows) {
                if (list.getPushesCount() == limit) {
                  list.setTruncated(true);
                  break;
                }
                list.addPushes(
                    Push.newBuilder()
                        .setAddress(address)
                        .setSeq(row.getLong("seq"))
                        .setBody(
                            new JsonObject(row.getString("body"))
                                .put("seq", row.getLong("seq"))
                                .encode())
                        .setAt(
                            row.getOffsetDateTime("pushed_at")
                                .withOffsetSameInstant(ZoneOffset.UTC)
                                .toString()));
              }
              long firstFound = list.getPushesCount() > 0 ? list.getPushes(0).getSeq() : -1;
              if (firstFound == afterSeq + 1) {
                return Future.succeededFuture(list.build());
              }
              // nothing or a later number came first: anything between was purged (or never
              // existed)
              return pool.preparedQuery(LAST)
                  .execute(Tuple.of(address))
                  .map(
                      last -> {
                        long lastSeq =
                            last.size() == 0 ? 0 : last.iterator().next().getLong("last_seq");
                        boolean gap =
                            firstFound > afterSeq + 1 || (firstFound < 0 && lastSeq > afterSeq);
                        return list.setTruncated(list.getTruncated() || gap).build();
                      });
            });
  }

  /**
   * Drops what is older than the retention window, in bounded batches until none is left; answers
   * how many.
   */
  public Future<Integer> purge() {
    return purgeFrom(0);
  }

  private Future<Integer> purgeFrom(int done) {
    return pool.preparedQuery(PURGE)
        .execute(Tuple.of(cutoff()))
        .compose(
            rows ->
                rows.rowCount() < PURGE_BATCH
                    ? Future.succeededFuture(done + rows.rowCount())
                    : purgeFrom(done + rows.rowCount()));
  }

  private OffsetDateTime cutoff() {
    return OffsetDateTime.now(ZoneOffset.UTC).minus(retention);
  }
}
