package io.emporium.common.events;

import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.db.Database;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one outbox relay: publishes a schema's outbox rows to Kafka in id order, then deletes them.
 * At least once (a crash after the send re-sends; consumers de-duplicate by event id) and in order
 * per key: a session-level advisory lock lets one relay per schema work at a time. No transaction
 * is open while Kafka acknowledges the sends: the rows are read, sent and deleted by statements of
 * their own, on a connection that holds only that lock.
 *
 * <p>It wakes when an outbox insert commits: a trigger (common migration V0_2) notifies the channel
 * {@code outbox_<schema>}, on which the relay listens over a connection of its own that reconnects
 * by itself. A slow poll ({@code OUTBOX_POLL_INTERVAL}) publishes whatever a lost notification or a
 * dropped connection left.
 */
public final class OutboxRelay {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
  private static final int BATCH = 200;
  private static final long RECONNECT_MILLIS = 1_000;

  private final Vertx vertx;
  private final Pool pool;
  private final String schema;
  private final long pollMillis;
  private final KafkaProducer<String, Buffer> producer;
  private final PgSubscriber subscriber;
  private final String select;
  private final String deletePublished;
  private final Context context;
  private long timer = -1;
  private boolean stopped;
  private boolean draining;
  private boolean wokenWhileDraining;
  private Future<Void> inFlight = Future.succeededFuture();

  public OutboxRelay(Vertx vertx, Pool pool, EmporiumConfig config, String schema) {
    this.vertx = vertx;
    this.pool = pool;
    this.schema = schema;
    this.pollMillis = config.outboxPollInterval.toMillis();
    String bootstrapServers = config.kafkaBootstrapServers;
    this.producer =
        KafkaProducer.create(
            vertx,
            Map.of(
                "bootstrap.servers", bootstrapServers,
                "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
                "value.serializer", "io.vertx.kafka.client.serialization.BufferSerializer",
                "acks", "all",
                "enable.idempotence", "true",
                "max.in.flight.requests.per.connection", "5",
                "delivery.timeout.ms", "30000",
                "request.timeout.ms", "10000",
                "max.block.ms", "10000",
                "client.id", "emporium-outbox-" + schema));
    this.select =
        """
        SELECT id, event_id, topic, event_key, event_type, payload FROM %s.outbox
        ORDER BY id LIMIT %d"""
            .formatted(schema, BATCH);
    this.deletePublished = "DELETE FROM %s.outbox WHERE id = ANY($1)".formatted(schema);
    this.subscriber =
        Database.subscriber(
            vertx, config, schema, "emporium-outbox-relay-" + schema, RECONNECT_MILLIS);
    this.context = vertx.getOrCreateContext();
  }

  /** Listens for committed outbox rows and starts the fallback poll. */
  public OutboxRelay start() {
    // subscribed also after each reconnect: drain what was committed while nobody listened
    subscriber
        .channel("outbox_" + schema)
        .subscribeHandler(v -> context.runOnContext(x -> drain()))
        .handler(payload -> context.runOnContext(x -> drain()));
    listen();
    timer = vertx.setPeriodic(pollMillis, id -> drain());
    return this;
  }

  private void listen() {
    subscriber
        .connect()
        .onFailure(
            e -> {
              LOG.warn("outbox relay for {} cannot listen yet, retrying: {}", schema, e.toString());
              if (!stopped) {
                vertx.setTimer(RECONNECT_MILLIS, t -> listen());
              }
            });
  }

  /**
   * Publishes what is pending now; safe to call at any time (a running drain is not doubled, but
   * runs once more).
   */
  public void drain() {
    if (draining) {
      wokenWhileDraining = true;
      return;
    }
    draining = true;
    wokenWhileDraining = false;
    inFlight =
        pool.withConnection(this::publishBatch)
            .onFailure(e -> LOG.warn("outbox relay for {} will retry: {}", schema, e.toString()))
            .andThen(ar -> draining = false)
            .onSuccess(
                published -> {
                  // a full batch leaves more; a wake during the drain may be for a row committed
                  // after its select
                  if ((published == BATCH || wokenWhileDraining) && !stopped) {
                    context.runOnContext(v -> drain());
                  }
                })
            .mapEmpty();
  }

  /**
   * Under the schema's lock, released before the connection goes back to the pool (or with it, if
   * it broke).
   */
  private Future<Integer> publishBatch(SqlConnection connection) {
    Tuple lock = Tuple.of("outbox." + schema);
    return connection
        .preparedQuery("SELECT pg_try_advisory_lock(hashtext($1))")
        .execute(lock)
        .compose(
            locked ->
                locked.iterator().next().getBoolean(0)
                    ? connection
                        .query(select)
                        .execute()
                        .compose(rows -> publish(connection, rows))
                        .eventually(
                            () ->
                                connection
                                    .preparedQuery("SELECT pg_advisory_unlock(hashtext($1))")
                                    .execute(lock))
                    : Future.succeededFuture(0));
  }

  private Future<Integer> publish(SqlConnection connection, RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Future.succeededFuture(0);
    }
    List<Future<?>> sends = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    for (Row row : rows) {
      ids.add(row.getLong("id"));
      KafkaProducerRecord<String, Buffer> record =
          KafkaProducerRecord.create(
                  row.getString("topic"), row.getString("event_key"), row.getBuffer("payload"))
              .addHeader("event-id", row.getUUID("event_id").toString())
              .addHeader("event-type", row.getString("event_type"));
      sends.add(producer.send(record));
    }
    return Future.all(sends)
        .compose(
            sent ->
                connection
                    .preparedQuery(deletePublished)
                    .execute(Tuple.of(ids.toArray(Long[]::new))))
        .map(ids.size());
  }

  public Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return subscriber.close().transform(closed -> inFlight).transform(ar -> producer.close(5_000));
  }
}
