package io.emporium.edge.audit;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emporium.common.Cursor;
import io.emporium.edge.identity.domain.User;
import io.emporium.proto.events.v1.AuditRecorded;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's audit log in {@code identity.audit_log}: every service's {@code audit.events}
 * appended once each, and read back newest first. Nothing here (nor the table's triggers) lets an
 * entry change or go away.
 */
public final class AuditLog {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
  private static final String APPEND =
      """
      INSERT INTO identity.audit_log (id, at, service, actor_id, actor_role, action, target_type, target_id, before, after,
                                      request_id, client_address)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
      ON CONFLICT (id) DO NOTHING""";
  private static final String SEARCH =
      """
      SELECT id, at, service, actor_id, actor_role, action, target_type, target_id, before, after, request_id,
             client_address
      FROM identity.audit_log
      WHERE ($1::uuid IS NULL OR actor_id = $1)
        AND ($2::text IS NULL OR action = $2)
        AND ($3::text IS NULL OR target_type = $3)
        AND ($4::text IS NULL OR target_id = $4)
        AND ($5::timestamptz IS NULL OR at >= $5)
        AND ($6::timestamptz IS NULL OR at < $6)
        AND ($7::timestamptz IS NULL OR (at, id) < ($7, $8))
      ORDER BY at DESC, id DESC
      LIMIT $9""";

  /** What a page of the log is narrowed to; null fields do not narrow it. */
  public record Filter(
      UUID actor,
      String action,
      String targetType,
      String target,
      OffsetDateTime from,
      OffsetDateTime to) {}

  public record Page(List<JsonObject> entries, Cursor next) {}

  private final Pool pool;

  public AuditLog(Pool pool) {
    this.pool = pool;
  }

  /**
   * Appends one {@code audit.events} record; a record seen before is not appended twice. A
   * malformed one (which no service writes) is logged loudly and skipped: retrying it would stop
   * the whole log behind it.
   */
  public Future<Void> append(SqlConnection tx, Buffer value) {
    Tuple row;
    try {
      row = row(AuditRecorded.parseFrom(value.getBytes()));
    } catch (InvalidProtocolBufferException | RuntimeException ex) {
      LOG.error("skipped a malformed audit record: {}", ex.toString());
      return Future.succeededFuture();
    }
    return tx.preparedQuery(APPEND).execute(row).mapEmpty();
  }

  private static Tuple row(AuditRecorded e) {
    if (e.getAction().isEmpty()
        || e.getTargetType().isEmpty()
        || e.getTargetId().isEmpty()
        || e.getActorRole().isEmpty()) {
      throw new IllegalArgumentException(
          "an audit record needs an action, a target and an actor role");
    }
    return Tuple.tuple()
        .addValue(UUID.fromString(e.getEventId()))
        .addValue(OffsetDateTime.parse(e.getOccurredAt()))
        .addValue(e.getService())
        .addValue(e.getActorId().isEmpty() ? null : UUID.fromString(e.getActorId()))
        .addValue(e.getActorRole())
        .addValue(e.getAction())
        .addValue(e.getTargetType())
        .addValue(e.getTargetId())
        .addValue(e.getBefore().isEmpty() ? null : new JsonObject(e.getBefore()))
        .addValue(e.getAfter().isEmpty() ? null : new JsonObject(e.getAfter()))
        .addValue(e.getRequestId().isEmpty() ? null : e.getRequestId())
        .addValue(e.getClientAddress().isEmpty() ? null : e.getClientAddress());
  }

  /** Entries matching the filter, newest first, after the cursor. */
  public Future<Page> search(Filter f, Cursor after, int limit) {
    Tuple args =
        Tuple.tuple()
            .addValue(f.actor())
            .addValue(f.action())
            .addValue(f.targetType())
            .addValue(f.target())
            .addValue(f.from())
            .addValue(f.to())
            .addValue(after == null ? null : after.at())
            .addValue(after == null ? null : after.id())
            .addValue(limit + 1);
    return pool.preparedQuery(SEARCH)
        .execute(args)
        .map(
            rows -> {
              List<JsonObject> entries = new ArrayList<>();
              Cursor last = null;
              for (Row r : rows) {
                if (entries.size() == limit) {
                  return new Page(entries, last);
                }
                entries.add(json(r));
                last = new Cursor(r.getOffsetDateTime("at"), r.getUUID("id"));
              }
              return new Page(entries, null);
            });
  }

  private static JsonObject json(Row r) {
    UUID actor = r.getUUID("actor_id");
    return new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("at", User.rfc3339(r.getOffsetDateTime("at")))
        .put("service", r.getString("service"))
        .put(
            "actor",
            new JsonObject()
                .put("id", actor == null ? null : actor.toString())
                .put("role", r.getString("actor_role")))
        .put("action", r.getString("action"))
        .put(
            "target",
            new JsonObject()
                .put("type", r.getString("target_type"))
                .put("id", r.getString("target_id")))
        .put("before", jsonb(r, "before"))
        .put("after", jsonb(r, "after"))
        .put("requestId", r.getString("request_id"))
        .put("clientAddress", r.getString("client_address"));
  }

  private static JsonObject jsonb(Row r, String column) {
    Object value = r.getValue(column);
    return value == null ? null : (JsonObject) value;
  }
}
