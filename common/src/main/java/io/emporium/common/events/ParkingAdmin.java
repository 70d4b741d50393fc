package io.emporium.common.events;

import io.emporium.common.Cursor;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.ops.v1.ParkedList;
import io.emporium.proto.ops.v1.ParkedMessage;
import io.emporium.proto.ops.v1.RetryParkedReply;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * What admins do with a service's parked messages: list them, apply one again through the handler
 * of the consumer that parked it, or discard it. Retries and discards are audited in their own
 * transaction.
 */
public final class ParkingAdmin {
  private static final String COLUMNS =
      "id, consumer, source, event_id, event_type, key, payload, attempts, last_error, first_failed_at";
  private final Pool pool;
  private final ParkedMessages parked;
  private final AuditTrail audit;
  private final String list;
  private final String byId;
  private final String lock;
  private final String delete;
  private final String failedAgain;

  public ParkingAdmin(Pool pool, String schema, ParkedMessages parked) {
    this.pool = pool;
    this.parked = parked;
    this.audit = new AuditTrail(schema);
    this.list =
        """
        SELECT %s FROM %s.parked_messages WHERE (first_failed_at, id) > ($1, $2)
        ORDER BY first_failed_at, id LIMIT $3"""
            .formatted(COLUMNS, schema);
    this.byId = "SELECT %s FROM %s.parked_messages WHERE id = $1".formatted(COLUMNS, schema);
    this.lock = byId + " FOR UPDATE";
    this.delete = "DELETE FROM %s.parked_messages WHERE id = $1".formatted(schema);
    this.failedAgain =
        """
        UPDATE %s.parked_messages SET attempts = attempts + 1, last_error = $2, parked_at = now() WHERE id = $1
        RETURNING %s"""
            .formatted(schema, COLUMNS);
  }

  public Future<ParkedList> list(int limit, String after) {
    Cursor from =
        after.isEmpty()
            ? new Cursor(
                java.time.OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), new UUID(0, 0))
            : Cursor.decode(after)
                .orElseThrow(() -> ApiProblem.invalid("cursor", "is not a cursor this list gave"));
    return pool.preparedQuery(list)
        .execute(Tuple.of(from.at(), from.id(), limit + 1))
        .map(
            rows -> {
              ParkedList.Builder page = ParkedList.newBuilder();
              Row last = null;
              int n = 0;
              for (Row row : rows) {
                if (n++ == limit) {
                  page.setNext(
                      new Cursor(last.getOffsetDateTime("first_failed_at"), last.getUUID("id"))
                          .encode());
                  break;
                }
                page.addMessages(message(row));
                last = row;
              }
              return page.build();
            });
  }

  /**
   * One more try, its handler's preparation first with no transaction open (as its consumer does);
   * a failure keeps it, counted, with the new error.
   */
  public Future<RetryParkedReply> retry(String publicId, CallContext actor) {
    UUID id = ownId(publicId);
    return pool.preparedQuery(byId)
        .execute(Tuple.of(id))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(
                    ApiProblem.notFound("No parked message " + publicId + "."));
              }
              Row row = rows.iterator().next();
              EventConsumer.Handler handler = parked.handler(row.getString("consumer"));
              if (handler == null) {
                return Future.failedFuture(
                    ApiProblem.conflict(
                        "The consumer " + row.getString("consumer") + " does not run here."));
              }
              return handler
                  .prepare(
                      row.getUUID("event_id"),
                      row.getString("event_type"),
                      row.getString("key"),
                      row.getBuffer("payload"))
                  .compose(
                      v ->
                          pool.withTransaction(
                              tx ->
                                  tx.preparedQuery(lock)
                                      .execute(Tuple.of(id))
                                      .compose(
                                          locked -> {
                                            if (locked.size() == 0) {
                                              return Future.failedFuture(
                                                  ApiProblem.notFound(
                                                      "No parked message " + publicId + "."));
                                            }
                                            return handler
                                                .apply(
                                                    tx,
                                                    row.getUUID("event_id"),
                                                    row.getString("event_type"),
                                                    row.getString("key"),
                                                    row.getBuffer("payload"))
                                                .compose(
                                                    applied ->
                                                        tx.preparedQuery(delete)
                                                            .execute(Tuple.of(id)))
                                                .compose(
                                                    deleted ->
                                                        audit.record(
                                                            tx,
                                                            actor,
                                                            "parked_message.retried",
                                                            "parked_message",
                                                            publicId,
                                                            summary(row),
                                                            null));
                                          })));
            })
        .map(v -> RetryParkedReply.newBuilder().setApplied(true).build())
        .recover(
            e ->
                e instanceof ApiProblem
                    ? Future.failedFuture(e)
                    : failedAgain(id, publicId, e, actor))
        .onComplete(ar -> parked.recount());
  }

  private Future<RetryParkedReply> failedAgain(
      UUID id, String publicId, Throwable error, CallContext actor) {
    String text = EventConsumer.errorText(error);
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(failedAgain)
                .execute(Tuple.of(id, text))
                .compose(
                    rows -> {
                      if (rows.size() == 0) {
                        return Future.failedFuture(
                            ApiProblem.notFound("No parked message " + publicId + "."));
                      }
                      Row row = rows.iterator().next();
                      return audit
                          .record(
                              tx,
                              actor,
                              "parked_message.retried",
                              "parked_message",
                              publicId,
                              null,
                              summary(row))
                          .map(
                              v ->
                                  RetryParkedReply.newBuilder()
                                      .setApplied(false)
                                      .setStillParked(message(row))
                                      .build());
                    }));
  }

  public Future<Void> discard(String publicId, CallContext actor) {
    UUID id = ownId(publicId);
    return pool.withTransaction(
            tx ->
                tx.preparedQuery(lock)
                    .execute(Tuple.of(id))
                    .compose(
                        rows -> {
                          if (rows.size() == 0) {
                            return Future.failedFuture(
                                ApiProblem.notFound("No parked message " + publicId + "."));
                          }
                          Row row = rows.iterator().next();
                          return tx.preparedQuery(delete)
                              .execute(Tuple.of(id))
                              .compose(
                                  v ->
                                      audit.record(
                                          tx,
                                          actor,
                                          "parked_message.discarded",
                                          "parked_message",
                                          publicId,
                                          summary(row),
                                          null));
                        }))
        .onComplete(ar -> parked.recount());
  }

  /** {@code <service>:<uuid>} of this service, or 422; another service's id is not found here. */
  private UUID ownId(String publicId) {
    int colon = publicId.indexOf(':');
    UUID id = colon < 0 ? null : io.emporium.common.Ids.parse(publicId.substring(colon + 1));
    if (id == null) {
      throw ApiProblem.invalid("id", "must be <service>:<uuid>");
    }
    if (!publicId.substring(0, colon).equals(parked.service())) {
      throw ApiProblem.notFound("No parked message " + publicId + ".");
    }
    return id;
  }

  private JsonObject summary(Row row) {
    return new JsonObject()
        .put("consumer", row.getString("consumer"))
        .put("source", row.getString("source"))
        .put("key", row.getString("key"))
        .put("attempts", row.getInteger("attempts"))
        .put("lastError", row.getString("last_error"));
  }

  private ParkedMessage message(Row row) {
    ParkedMessage.Builder m =
        ParkedMessage.newBuilder()
            .setId(parked.publicId(row.getUUID("id")))
            .setService(parked.service())
            .setSource(row.getString("source"))
            .setAttempts(row.getInteger("attempts"))
            .setLastError(row.getString("last_error"))
            .setFirstFailedAt(row.getOffsetDateTime("first_failed_at").toInstant().toString())
            .setConsumer(row.getString("consumer"));
    if (row.getString("key") != null) {
      m.setKey(row.getString("key"));
    }
    if (row.getString("event_type") != null) {
      m.setEventType(row.getString("event_type"));
    }
    return m.build();
  }
}
