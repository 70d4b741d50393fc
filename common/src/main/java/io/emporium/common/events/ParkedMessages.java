package io.emporium.common.events;

import io.emporium.common.problem.ErrorReports;
import io.emporium.proto.events.v1.EventParked;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's {@code parked_messages} table: messages its consumers gave up on. Parking announces
 * itself on {@code ops.events} (realtime turns that into an admin alert), and the gauge {@code
 * emporium.parked.events} shows how many wait, by source, as last counted.
 */
public final class ParkedMessages {
  private static final Logger LOG = LoggerFactory.getLogger(ParkedMessages.class);
  public static final String OPS_TOPIC = "ops.events";

  /**
   * Every instance of a service in one process reports the same count: one number per registry,
   * service and source.
   */
  private static final Map<MeterRegistry, Map<String, AtomicLong>> COUNTS = new WeakHashMap<>();

  private final Pool pool;
  private final String service;
  private final MeterRegistry registry;
  private final Outbox outbox;
  private final String insert;
  private final String countBySource;
  private final Map<String, EventConsumer.Handler> handlers = new ConcurrentHashMap<>();

  /**
   * {@code service} names the service in ids, metrics and alerts: edge, catalog, ordering, payment
   * or realtime.
   */
  public ParkedMessages(Pool pool, String schema, String service, MeterRegistry registry) {
    this.pool = pool;
    this.service = service;
    this.registry = registry;
    this.outbox = new Outbox(schema);
    this.insert =
        """
        INSERT INTO %s.parked_messages (id, consumer, source, event_id, event_type, key, payload, attempts, last_error, first_failed_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        ON CONFLICT (consumer, event_id) DO NOTHING"""
            .formatted(schema);
    this.countBySource =
        "SELECT source, count(*) AS parked FROM %s.parked_messages GROUP BY source"
            .formatted(schema);
  }

  /**
   * The consumer named {@code consumer} applies its messages, and so its parked ones, with {@code
   * handler}.
   */
  public void handle(String consumer, EventConsumer.Handler handler) {
    handlers.put(consumer, handler);
  }

  /**
   * Shows {@code source} on the gauge from the start, at zero until something from it is parked.
   */
  public void watch(String source) {
    gauge(source);
  }

  EventConsumer.Handler handler(String consumer) {
    return handlers.get(consumer);
  }

  public String service() {
    return service;
  }

  /** The id admins use: which service holds it, then the row's own id. */
  public String publicId(UUID id) {
    return service + ":" + id;
  }

  /**
   * One message given up on, in the transaction that records its event as processed; announced
   * unless it is an alert itself.
   */
  public Future<Void> park(
      SqlConnection tx,
      String consumer,
      String source,
      UUID eventId,
      String eventType,
      String key,
      Buffer payload,
      int attempts,
      String lastError,
      Instant firstFailedAt) {
    UUID id = UUID.randomUUID();
    return tx.preparedQuery(insert)
        .execute(
            Tuple.from(
                Arrays.asList(
                    id,
                    consumer,
                    source,
                    eventId,
                    eventType,
                    key,
                    payload,
                    attempts,
                    lastError,
                    firstFailedAt.atOffset(ZoneOffset.UTC))))
        .compose(
            rows -> {
              if (rows.rowCount() == 0) {
                return Future.succeededFuture();
              }
              // reported once it is really parked, not by a transaction that rolls back
              Runnable report =
                  () ->
                      ErrorReports.parked(
                          service,
                          consumer,
                          source,
                          eventId == null ? null : eventId.toString(),
                          attempts,
                          lastError);
              if (tx.transaction() == null) {
                report.run();
              } else {
                tx.transaction().completion().onSuccess(committed -> report.run());
              }
              if (source.equals(OPS_TOPIC)) {
                return Future.succeededFuture();
              }
              UUID alertId = UUID.randomUUID();
              EventParked alert =
                  EventParked.newBuilder()
                      .setEventId(alertId.toString())
                      .setOccurredAt(Instant.now().toString())
                      .setService(service)
                      .setSource(source)
                      .setKey(key == null ? "" : key)
                      .setError(lastError)
                      .setParkedId(publicId(id))
                      .setConsumer(consumer)
                      .build();
              return outbox.append(
                  tx, OPS_TOPIC, publicId(id), alertId, "EventParked", alert.toByteArray());
            });
  }

  /** Sets the gauge from the table; a source with nothing parked any more shows zero. */
  public Future<Void> recount() {
    return pool.query(countBySource)
        .execute()
        .map(
            rows -> {
              Map<String, Long> now = new HashMap<>();
              for (Row row : rows) {
                now.put(row.getString("source"), row.getLong("parked"));
              }
              Map<String, AtomicLong> gauges = gauges();
              now.keySet().forEach(this::gauge);
              gauges.forEach(
                  (id, count) -> {
                    if (id.startsWith(service + "\n")) {
                      count.set(now.getOrDefault(id.substring(service.length() + 1), 0L));
                    }
                  });
              return (Void) null;
            })
        .onFailure(
            e ->
                LOG.warn(
                    "counting {}'s parked messages for /metrics failed: {}",
                    service,
                    e.toString()));
  }

  private Map<String, AtomicLong> gauges() {
    synchronized (COUNTS) {
      return COUNTS.computeIfAbsent(registry, r -> new ConcurrentHashMap<>());
    }
  }

  private AtomicLong gauge(String source) {
    return gauges()
        .computeIfAbsent(
            service + "\n" + source,
            id -> {
              AtomicLong count = new AtomicLong();
              Gauge.builder("emporium.parked.events", count, AtomicLong::get)
                  .strongReference(true)
                  .tag("service", service)
                  .tag("source", source)
                  .description(
                      "Messages a consumer gave up on and parked, waiting for an admin to retry or discard them")
                  .register(registry);
              return count;
            });
  }
}
