package io.emporium.common.events;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.problem.StorableText;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one Kafka topic at least once and applies each event id at most once: the handler runs
 * in a transaction that also records the event id in the schema's {@code processed_events} table,
 * and offsets are committed only after that transaction. Each poll is split into {@link #LANES}
 * lanes by key (one key in one lane, in offset order) and each lane is applied in one transaction,
 * the lanes at the same time. A lane whose transaction fails is applied again one event at a time:
 * a failing event is retried a few times with backoff, then parked in the schema's {@code
 * parked_messages} table (in the transaction that records it as processed) and the consumer moves
 * on past it, so one bad message never stops its partition; a {@link PermanentFailure} is parked at
 * once. A handler's {@link Handler#prepare} (its calls to other services) runs before the
 * transaction, never inside it. The gauge {@code emporium.consumer.lag} shows how far behind the
 * log end the consumer's group is.
 */
public final class EventConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(EventConsumer.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final long MAX_BACKOFF_MS = 30_000;
  private static final long CLOSE_TIMEOUT_SECONDS = 5;

  /**
   * Lanes a poll is split into: at most this many of the pool's connections per consumer, half a
   * service's pool of 8, so requests still get theirs while a consumer catches up.
   */
  static final int LANES = 4;

  /**
   * How often the lag is asked of the broker: two requests each time (more now and then), for every
   * consumer, also when idle.
   */
  private static final long LAG_EVERY_MS = 10_000;

  /** Longest a busy consumer goes without committing what it applied. */
  private static final long COMMIT_EVERY_MS = 1_000;

  /** Longest error text kept with a parked message. */
  private static final int MAX_ERROR_CHARS = 2000;

  /** Applies one event; runs inside the transaction that records it as processed. */
  @FunctionalInterface
  public interface Handler {
    Future<Void> apply(SqlConnection tx, UUID eventId, String eventType, String key, Buffer value);

    /**
     * Runs before each attempt's transaction, for what the event needs from another service: no
     * connection is held while that call waits. Its failure is the attempt's.
     */
    default Future<Void> prepare(UUID eventId, String eventType, String key, Buffer value) {
      return Future.succeededFuture();
    }

    /**
     * Whether the event can change anything here. One that cannot is passed over before any
     * transaction: it is neither prepared, applied nor recorded as processed (there is nothing to
     * do twice). An event that cannot be read is wanted, so the handler reports it.
     */
    default boolean wants(String eventType, Buffer value) {
      return true;
    }
  }

  /** Reads an event's bytes: a generated protobuf message's {@code parseFrom}. */
  @FunctionalInterface
  public interface Parser<E> {
    E parse(byte[] bytes) throws InvalidProtocolBufferException;
  }

  /**
   * A {@link Handler} of one kind of event, given the event read: an unreadable one never reaches
   * it.
   */
  @FunctionalInterface
  public interface EventHandler<E> {
    /** Runs inside the transaction that records the event as processed. */
    Future<Void> apply(SqlConnection tx, UUID eventId, E event);

    /**
     * As {@link Handler#prepare}: before each attempt's transaction, for what the event needs from
     * another service.
     */
    default Future<Void> prepare(UUID eventId, E event) {
      return Future.succeededFuture();
    }

    /** As {@link Handler#wants}: whether the event can change anything here. */
    default boolean wants(E event) {
      return true;
    }
  }

  /**
   * A handler that reads each event with {@code parser} once and hands it to {@code handler}. An
   * event that cannot be read is wanted (so it is recorded as processed, once), logged and skipped:
   * no retry can make it readable.
   */
  public static <E> Handler of(Parser<E> parser, EventHandler<E> handler) {
    Readings<E> readings = new Readings<>(parser);
    return new Handler() {
      @Override
      public boolean wants(String eventType, Buffer value) {
        return readings.of(value).map(handler::wants).orElse(true);
      }

      @Override
      public Future<Void> prepare(UUID eventId, String eventType, String key, Buffer value) {
        return readings
            .of(value)
            .map(event -> handler.prepare(eventId, event))
            .orElse(Future.succeededFuture());
      }

      @Override
      public Future<Void> apply(
          SqlConnection tx, UUID eventId, String eventType, String key, Buffer value) {
        Optional<E> event = readings.of(value);
        if (event.isEmpty()) {
          LOG.error("skipped unreadable event {} ({})", eventId, eventType);
          return Future.succeededFuture();
        }
        return handler.apply(tx, eventId, event.get());
      }
    };
  }

  /**
   * The events read lately, by their bytes, so one record's wants, prepare and apply share one
   * reading; a few polls' worth are kept (a poll holds at most 100 records), the oldest dropped
   * first.
   */
  private static final class Readings<E> {
    private static final int KEPT = 512;
    private final Parser<E> parser;
    private final Map<Buffer, Optional<E>> read =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Buffer, Optional<E>> eldest) {
            return size() > KEPT;
          }
        };

    Readings(Parser<E> parser) {
      this.parser = parser;
    }

    /** The event, or empty when its bytes are not one. */
    synchronized Optional<E> of(Buffer value) {
      Buffer bytes = value == null ? Buffer.buffer() : value;
      Optional<E> event = read.get(bytes);
      if (event == null) {
        try {
          event = Optional.of(parser.parse(bytes.getBytes()));
        } catch (InvalidProtocolBufferException e) {
          event = Optional.empty();
        }
        read.put(bytes, event);
      }
      return event;
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final String name;
  private final String topic;
  private final String bootstrapServers;
  private final Handler handler;
  private final EmporiumConfig.EventRetry retry;
  private final ParkedMessages parked;
  private final ConsumerLag lag;
  private boolean released;
  private KafkaConsumer<String, Buffer> consumer;

  /** Asks the broker for the group's lag; also the client that made the topic. */
  private KafkaAdminClient admin;

  private final String recordProcessed;
  private volatile boolean running;
  private long backoffMs = 250;
  private Future<Void> loop = Future.succeededFuture();
  private long lagTimer = -1;
  private boolean measuring;
  private boolean uncommitted;
  private long lastCommit = System.nanoTime();

  /** {@code name} is the consumer group; {@code meters} gets its lag. */
  public EventConsumer(
      Vertx vertx,
      Pool pool,
      String schema,
      ParkedMessages parked,
      MeterRegistry meters,
      String name,
      String bootstrapServers,
      String topic,
      EmporiumConfig.EventRetry retry,
      Handler handler) {
    this.parked = parked;
    parked.handle(name, handler);
    parked.watch(topic);
    this.lag = new ConsumerLag(meters, topic, name);
    this.retry = retry;
    this.vertx = vertx;
    this.pool = pool;
    this.name = name;
    this.topic = topic;
    this.bootstrapServers = bootstrapServers;
    this.handler = handler;
    this.recordProcessed =
        """
        INSERT INTO %s.processed_events (consumer, event_id) VALUES ($1, $2)
        ON CONFLICT DO NOTHING"""
            .formatted(schema);
  }

  /**
   * Makes sure the topic exists (so partitions are assigned at once, not when a producer first
   * writes), then polls and measures the lag.
   */
  public Future<Void> start() {
    running = true;
    // the Kafka clients' constructors do I/O set-up: on a worker
    return vertx
        .executeBlocking(this::createTopic, false)
        .compose(
            created -> {
              admin = KafkaAdminClient.create(vertx, created);
              return vertx
                  .executeBlocking(this::createConsumer, false)
                  .onFailure(e -> admin.close());
            })
        .compose(
            c -> {
              consumer = c;
              // stopped while the clients were being made: they must not stay open
              return running
                  ? consumer.subscribe(topic)
                  : consumer.close().eventually(() -> admin.close());
            })
        .onSuccess(
            v -> {
              if (running) {
                lagTimer = vertx.setPeriodic(LAG_EVERY_MS, id -> measureLag());
              }
              pollLoop();
            });
  }

  /** One measurement at a time: a slow broker answer is not asked again meanwhile. */
  private void measureLag() {
    if (!running || measuring) {
      return;
    }
    measuring = true;
    lag.measure(admin)
        .onFailure(
            e ->
                LOG.debug(
                    "consumer {} on {} could not measure its lag: {}", name, topic, e.toString()))
        .onComplete(ar -> measuring = false);
  }

  /**
   * The plain admin client, blocking (so on a worker): only it can ask for the broker's default
   * partitions and replication.
   */
  private AdminClient createTopic() throws Exception {
    AdminClient created =
        AdminClient.create(
            Map.of(
                "bootstrap.servers",
                bootstrapServers,
                "request.timeout.ms",
                5000,
                "default.api.timeout.ms",
                5000));
    try {
      created
          .createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
          .all()
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (!(e instanceof ExecutionException && e.getCause() instanceof TopicExistsException)) {
        created.close();
        throw e;
      }
    }
    return created;
  }

  private KafkaConsumer<String, Buffer> createConsumer() {
    return KafkaConsumer.create(
        vertx,
        Map.of(
            "bootstrap.servers", bootstrapServers,
            "group.id", name,
            "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
            "value.deserializer", "io.vertx.kafka.client.serialization.BufferDeserializer",
            "enable.auto.commit", "false",
            "auto.offset.reset", "earliest",
            "max.poll.records", "100",
            // the broker answers a fetch as soon as a record comes; an idle consumer's fetch waits
            // this long, so it asks less
            // often. Not longer: a partition newly assigned to the consumer is fetched only once
            // the fetch in flight returns
            "fetch.max.wait.ms", "2000",
            // the broker-driven group protocol (KIP-848): quicker rebalances and a clean leave on
            // close
            "group.protocol", "consumer"));
  }

  private void pollLoop() {
    if (!running) {
      return;
    }
    loop =
        consumer
            .poll(POLL)
            .compose(records -> applyAll(records).compose(v -> commitIfDue(!records.isEmpty())))
            .onSuccess(
                v -> {
                  backoffMs = 250;
                  vertx.runOnContext(x -> pollLoop());
                })
            .onFailure(
                e -> {
                  LOG.warn(
                      "consumer {} on {} failed, retrying in {} ms: {}",
                      name,
                      topic,
                      backoffMs,
                      e.toString());
                  long delay = backoffMs;
                  backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
                  vertx.setTimer(delay, t -> pollLoop());
                });
  }

  /**
   * Commits the applied offsets at most once per {@link #COMMIT_EVERY_MS} while records keep
   * coming, and at the first poll that brings none: under load one commit covers many polls, and an
   * idle consumer (nothing new applied) writes nothing to the broker's offsets log. A crash may
   * redeliver what the last commit did not cover; it is skipped as processed.
   */
  private Future<Void> commitIfDue(boolean applied) {
    uncommitted |= applied;
    long now = System.nanoTime();
    if (!uncommitted
        || (applied && now - lastCommit < TimeUnit.MILLISECONDS.toNanos(COMMIT_EVERY_MS))) {
      return Future.succeededFuture();
    }
    return consumer
        .commit()
        .onSuccess(
            v -> {
              uncommitted = false;
              lastCommit = now;
            });
  }

  /**
   * Applies the poll's lanes at the same time and waits for all of them; when a lane could not even
   * park (the database is down), every partition is rewound to its lowest record some lane did not
   * apply (the ones applied after it are skipped as processed when they come again).
   */
  private Future<Void> applyAll(KafkaConsumerRecords<String, Buffer> records) {
    // filled by the lanes' callbacks, which all run on this consumer's context
    List<KafkaConsumerRecord<String, Buffer>> unapplied = new ArrayList<>();
    List<Future<Void>> lanes =
        lanes(records).stream().map(lane -> applyLane(lane, unapplied)).toList();
    return Future.join(lanes)
        .transform(
            ar ->
                ar.succeeded()
                    ? Future.succeededFuture()
                    : rewind(unapplied).transform(ignored -> Future.failedFuture(ar.cause())));
  }

  /**
   * The poll's records by lane: a key's always in the same lane, in offset order; one without a key
   * goes by its partition.
   */
  private static List<List<KafkaConsumerRecord<String, Buffer>>> lanes(
      KafkaConsumerRecords<String, Buffer> records) {
    Map<Integer, List<KafkaConsumerRecord<String, Buffer>>> lanes = new TreeMap<>();
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, Buffer> record = records.recordAt(i);
      int lane =
          Math.floorMod(record.key() == null ? record.partition() : record.key().hashCode(), LANES);
      lanes.computeIfAbsent(lane, l -> new ArrayList<>()).add(record);
    }
    return List.copyOf(lanes.values());
  }

  /**
   * One transaction for the lane's wanted events (none when it has none); if it fails, those once
   * more one event at a time.
   */
  private Future<Void> applyLane(
      List<KafkaConsumerRecord<String, Buffer>> records,
      List<KafkaConsumerRecord<String, Buffer>> unapplied) {
    List<KafkaConsumerRecord<String, Buffer>> lane =
        records.stream()
            .filter(
                r ->
                    handler.wants(
                        header(r, "event-type"), r.value() == null ? Buffer.buffer() : r.value()))
            .toList();
    if (lane.isEmpty()) {
      return Future.succeededFuture();
    }
    Future<Void> prepared = Future.succeededFuture();
    for (KafkaConsumerRecord<String, Buffer> record : lane) {
      prepared = prepared.compose(v -> prepare(record));
    }
    return prepared
        .compose(
            p ->
                pool.withTransaction(
                    tx -> {
                      Future<Void> chain = Future.succeededFuture();
                      for (KafkaConsumerRecord<String, Buffer> record : lane) {
                        chain = chain.compose(v -> applyIn(tx, record));
                      }
                      return chain;
                    }))
        .recover(
            e -> {
              LOG.warn(
                  "consumer {} on {} failed a lane of {} events, applying them one by one: {}",
                  name,
                  topic,
                  lane.size(),
                  e.toString());
              return applyEach(lane, unapplied);
            });
  }

  /**
   * Applies the lane in order, each event with its retries (or parked); stops at one that fails,
   * adding it and the rest to {@code unapplied}.
   */
  private Future<Void> applyEach(
      List<KafkaConsumerRecord<String, Buffer>> lane,
      List<KafkaConsumerRecord<String, Buffer>> unapplied) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < lane.size(); i++) {
      int index = i;
      chain =
          chain.compose(
              v ->
                  applyWithRetries(lane.get(index), 1, null, retry.backoff().toMillis())
                      .onFailure(e -> unapplied.addAll(lane.subList(index, lane.size()))));
    }
    return chain;
  }

  private Future<Void> applyWithRetries(
      KafkaConsumerRecord<String, Buffer> record,
      int attempt,
      Instant firstFailedAt,
      long backoff) {
    return applyOne(record)
        .recover(
            e -> {
              Instant first = firstFailedAt == null ? Instant.now() : firstFailedAt;
              if (!running || outage(e)) {
                // stopping, or a server it needs is down (no fault of this message): the poll loop
                // waits that out, unbounded
                return Future.failedFuture(e);
              }
              if (attempt >= retry.attempts() || permanent(e)) {
                return park(record, attempt, first, e);
              }
              LOG.warn(
                  "consumer {} failed {}-{}@{} (attempt {} of {}), retrying in {} ms: {}",
                  name,
                  record.topic(),
                  record.partition(),
                  record.offset(),
                  attempt,
                  retry.attempts(),
                  backoff,
                  e.toString());
              return vertx
                  .timer(backoff, TimeUnit.MILLISECONDS)
                  .compose(
                      t ->
                          applyWithRetries(
                              record, attempt + 1, first, Math.min(MAX_BACKOFF_MS, backoff * 2)));
            });
  }

  /**
   * Records the event as processed and keeps it with its error, in one transaction: parked once
   * however often it comes.
   */
  private Future<Void> park(
      KafkaConsumerRecord<String, Buffer> record,
      int attempts,
      Instant firstFailedAt,
      Throwable error) {
    UUID eventId = eventId(record);
    String lastError = errorText(error);
    LOG.error(
        "consumer {} parked event {} from {}-{}@{} after {} attempts: {}",
        name,
        eventId,
        record.topic(),
        record.partition(),
        record.offset(),
        attempts,
        lastError);
    return pool.withTransaction(
            tx ->
                tx.preparedQuery(recordProcessed)
                    .execute(Tuple.of(name, eventId))
                    .compose(
                        inserted ->
                            inserted.rowCount() == 0
                                ? Future.succeededFuture()
                                : parked.park(
                                    tx,
                                    name,
                                    record.topic(),
                                    eventId,
                                    orNull(header(record, "event-type")),
                                    orNull(record.key()),
                                    record.value() == null ? Buffer.buffer() : record.value(),
                                    attempts,
                                    lastError,
                                    firstFailedAt)))
        .onSuccess(v -> parked.recount());
  }

  /**
   * A server the handler needs could not be reached or said it is unavailable, or no pooled
   * connection came in time ({@link io.emporium.common.problem.ApiProblem#ifUnavailable}): waiting
   * fixes it, and it is no fault of the message.
   */
  public static boolean outage(Throwable error) {
    if (io.emporium.common.problem.ApiProblem.ifUnavailable(error) != null) {
      return true;
    }
    for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e instanceof java.net.ConnectException
          || e instanceof java.net.NoRouteToHostException
          || e instanceof java.nio.channels.ClosedChannelException
          || (e instanceof io.emporium.common.problem.ApiProblem p && p.status() == 503)) {
        return true;
      }
    }
    return false;
  }

  /** No retry can apply the message: park it now. */
  public static boolean permanent(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e instanceof PermanentFailure) {
        return true;
      }
    }
    return false;
  }

  /** What an admin reads: the failure in one line, without text PostgreSQL cannot store. */
  public static String errorText(Throwable error) {
    String storable = StorableText.storableCopy(String.valueOf(error));
    return storable.length() > MAX_ERROR_CHARS ? storable.substring(0, MAX_ERROR_CHARS) : storable;
  }

  private static String orNull(String text) {
    return text == null ? null : StorableText.storableCopy(text);
  }

  private Future<Void> rewind(List<KafkaConsumerRecord<String, Buffer>> unapplied) {
    Map<TopicPartition, Long> positions = new LinkedHashMap<>();
    for (KafkaConsumerRecord<String, Buffer> r : unapplied) {
      positions.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
    }
    Future<Void> seeks = Future.succeededFuture();
    for (Map.Entry<TopicPartition, Long> p : positions.entrySet()) {
      seeks = seeks.compose(v -> consumer.seek(p.getKey(), p.getValue()));
    }
    return seeks;
  }

  private Future<Void> applyOne(KafkaConsumerRecord<String, Buffer> record) {
    return prepare(record).compose(v -> pool.withTransaction(tx -> applyIn(tx, record)));
  }

  /** The handler's work outside the transaction; none for a record {@link #applyIn} skips. */
  private Future<Void> prepare(KafkaConsumerRecord<String, Buffer> record) {
    UUID eventId = eventId(record);
    return eventId == null
        ? Future.succeededFuture()
        : handler.prepare(eventId, header(record, "event-type"), record.key(), record.value());
  }

  private Future<Void> applyIn(SqlConnection tx, KafkaConsumerRecord<String, Buffer> record) {
    UUID eventId = eventId(record);
    if (eventId == null) {
      LOG.error(
          "consumer {} skipped a record without a UUID event-id at {}-{}@{}",
          name,
          record.topic(),
          record.partition(),
          record.offset());
      return Future.succeededFuture();
    }
    return tx.preparedQuery(recordProcessed)
        .execute(Tuple.of(name, eventId))
        .compose(
            inserted ->
                inserted.rowCount() == 0
                    ? Future.succeededFuture()
                    : handler.apply(
                        tx, eventId, header(record, "event-type"), record.key(), record.value()));
  }

  private static UUID eventId(KafkaConsumerRecord<String, Buffer> record) {
    String id = header(record, "event-id");
    try {
      return id == null ? null : UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String header(KafkaConsumerRecord<String, Buffer> record, String key) {
    for (KafkaHeader h : record.headers()) {
      if (h.key().equals(key)) {
        return h.value().toString();
      }
    }
    return null;
  }

  /** Stops polling and leaves the group; never waits more than a few seconds for the broker. */
  public Future<Void> stop() {
    running = false;
    vertx.cancelTimer(lagTimer);
    if (!released) {
      released = true;
      lag.release();
    }
    if (consumer == null) {
      return Future.succeededFuture(); // start() closes the clients it is still making
    }
    // what was applied since the last commit is committed on the way out, so a restart does not see
    // it again
    return loop.transform(
            ar ->
                ar.succeeded() && uncommitted
                    ? consumer.commit().otherwiseEmpty()
                    : Future.<Void>succeededFuture())
        .transform(ar -> consumer.close())
        .eventually(() -> admin.close())
        .timeout(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .recover(
            e -> {
              LOG.warn(
                  "consumer {} did not close within {} s: {}",
                  name,
                  CLOSE_TIMEOUT_SECONDS,
                  e.toString());
              return Future.succeededFuture();
            });
  }
}
