package io.emporium.common.events;

import io.emporium.common.grpc.CallContext;
import io.emporium.proto.events.v1.AuditRecorded;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.UUID;

/**
 * Records a sensitive act on {@code audit.events} through the schema's outbox, in the transaction
 * of the act: the act is in the audit log if and only if it was committed. The edge keeps the log.
 */
public final class AuditTrail {
  public static final String TOPIC = "audit.events";
  private final String service;
  private final Outbox outbox;

  public AuditTrail(String schema) {
    this.service = schema;
    this.outbox = new Outbox(schema);
  }

  /** {@code before} is null for a new target and {@code after} null for a removed one. */
  public Future<Void> record(
      SqlConnection tx,
      CallContext actor,
      String action,
      String targetType,
      String targetId,
      JsonObject before,
      JsonObject after) {
    UUID eventId = UUID.randomUUID();
    AuditRecorded.Builder entry =
        AuditRecorded.newBuilder()
            .setEventId(eventId.toString())
            .setOccurredAt(Instant.now().toString())
            .setService(service)
            .setActorRole(actor.role() == null ? "anonymous" : actor.role())
            .setAction(action)
            .setTargetType(targetType)
            .setTargetId(targetId)
            .setBefore(before == null ? "" : before.encode())
            .setAfter(after == null ? "" : after.encode());
    if (actor.userId() != null) {
      entry.setActorId(actor.userId());
    }
    if (actor.requestId() != null) {
      entry.setRequestId(actor.requestId());
    }
    if (actor.clientAddress() != null) {
      entry.setClientAddress(actor.clientAddress());
    }
    return outbox.append(
        tx, TOPIC, targetId, eventId, "AuditRecorded", entry.build().toByteArray());
  }
}
