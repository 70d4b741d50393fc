package io.emporium.edge.cache;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emporium.proto.events.v1.CatalogEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.common.PartitionInfo;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndTimestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the catalog's changes ({@code catalog.events}) for one edge verticle instance and retires
 * what each one makes stale, in Redis and in the process's {@link NearCache}. Every instance reads
 * every partition itself, with no consumer group: an edge starting or stopping never holds the
 * others' changes back while a group rebalances, so a change reaches every edge within a fetch. It
 * starts a {@link CatalogCache#LONGEST_TTL} back, not at the end: no Redis entry outlives that, so
 * changes made while no edge ran are retired too. Retiring is idempotent, so every edge doing it is
 * harmless, and a poll's changes of one item are retired once. Redis failing is tried again a few
 * times, then given up (logged): the near cache has let go, and Redis's own time to live bounds
 * what it still serves.
 */
public final class CatalogChangeFeed {
  public static final String TOPIC = "catalog.events";
  private static final Logger LOG = LoggerFactory.getLogger(CatalogChangeFeed.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final int ATTEMPTS = 3;
  private static final long BACKOFF_MS = 200;

  /** How often a feed that found no topic (the catalog has not started yet) looks again. */
  private static final long TOPIC_WAIT_MS = 2_000;

  private final Vertx vertx;
  private final CatalogCache cache;
  private final String bootstrapServers;
  private KafkaConsumer<String, Buffer> consumer;
  private volatile boolean running;
  private Future<Void> loop = Future.succeededFuture();

  public CatalogChangeFeed(Vertx vertx, CatalogCache cache, String bootstrapServers) {
    this.vertx = vertx;
    this.cache = cache;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Starts following; completes once the consumer is made, while the topic's partitions are looked
   * up in the background.
   */
  public Future<Void> start() {
    running = true;
    // the Kafka client's constructor does I/O set-up: on a worker
    return vertx
        .executeBlocking(
            () ->
                KafkaConsumer.<String, Buffer>create(
                    vertx,
                    Map.of(
                        "bootstrap.servers", bootstrapServers,
                        "key.deserializer",
                            "org.apache.kafka.common.serialization.StringDeserializer",
                        "value.deserializer",
                            "io.vertx.kafka.client.serialization.BufferDeserializer",
                        "enable.auto.commit", "false",
                        // the catalog makes the topic with its partitions; a feed that came first
                        // waits for it
                        "allow.auto.create.topics", "false",
                        "max.poll.records", "500",
                        // an idle fetch is answered as soon as a change comes; until then it waits
                        // this long, so it asks less often
                        "fetch.max.wait.ms", "2000")),
            false)
        .compose(
            c -> {
              consumer = c;
              if (!running) {
                return consumer.close();
              }
              assign();
              return Future.succeededFuture();
            });
  }

  private void assign() {
    if (!running) {
      return;
    }
    consumer
        .partitionsFor(TOPIC)
        .compose(
            partitions -> {
              if (partitions == null || partitions.isEmpty()) {
                return Future.succeededFuture(false);
              }
              Set<TopicPartition> all = new LinkedHashSet<>();
              for (PartitionInfo p : partitions) {
                all.add(new TopicPartition(TOPIC, p.getPartition()));
              }
              Map<TopicPartition, Long> since = new HashMap<>();
              long from = System.currentTimeMillis() - CatalogCache.LONGEST_TTL.toMillis();
              all.forEach(tp -> since.put(tp, from));
              return consumer
                  .assign(all)
                  .compose(v -> consumer.offsetsForTimes(since))
                  .compose(found -> seek(all, found))
                  .map(true);
            })
        .onComplete(
            done -> {
              if (done.succeeded() && done.result()) {
                pollLoop();
              } else {
                if (done.failed()) {
                  LOG.warn(
                      "catalog change feed could not look up {}: {}",
                      TOPIC,
                      done.cause().toString());
                }
                vertx.setTimer(TOPIC_WAIT_MS, t -> assign());
              }
            });
  }

  /**
   * Each partition from its first change since the longest time to live, or its end when it has
   * none since.
   */
  private Future<Void> seek(
      Set<TopicPartition> all, Map<TopicPartition, OffsetAndTimestamp> found) {
    List<Future<Void>> seeks = new ArrayList<>();
    for (TopicPartition tp : all) {
      OffsetAndTimestamp at = found == null ? null : found.get(tp);
      seeks.add(at == null ? consumer.seekToEnd(tp) : consumer.seek(tp, at.getOffset()));
    }
    return Future.all(seeks).mapEmpty();
  }

  private void pollLoop() {
    if (!running) {
      return;
    }
    Promise<Void> polled = Promise.promise();
    loop = polled.future();
    consumer
        .poll(POLL)
        .compose(this::retireAll)
        .onComplete(
            done -> {
              polled.complete();
              if (done.failed()) {
                LOG.warn(
                    "catalog change feed failed to poll, trying again: {}",
                    done.cause().toString());
                vertx.setTimer(BACKOFF_MS, t -> pollLoop());
              } else {
                pollLoop();
              }
            });
  }

  private Future<Void> retireAll(KafkaConsumerRecords<String, Buffer> records) {
    Set<CatalogCache.Change> changes = new LinkedHashSet<>();
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, Buffer> record = records.recordAt(i);
      try {
        CatalogCache.Change change = changeOf(record.value());
        if (change != null) {
          changes.add(change);
        }
      } catch (InvalidProtocolBufferException e) {
        LOG.error(
            "skipped an unreadable catalog event at {}-{}@{}: {}",
            record.topic(),
            record.partition(),
            record.offset(),
            e.getMessage());
      }
    }
    List<Future<Void>> retired = new ArrayList<>(changes.size());
    for (CatalogCache.Change change : changes) {
      retired.add(retire(change, 1));
    }
    return Future.join(retired).mapEmpty();
  }

  private Future<Void> retire(CatalogCache.Change change, int attempt) {
    return cache
        .retire(change)
        .recover(
            e -> {
              if (attempt >= ATTEMPTS) {
                LOG.error(
                    "gave up retiring {} from Redis after {} attempts: {}",
                    change,
                    attempt,
                    e.toString());
                return Future.succeededFuture();
              }
              Promise<Void> later = Promise.promise();
              vertx.setTimer(
                  BACKOFF_MS << (attempt - 1), t -> retire(change, attempt + 1).onComplete(later));
              return later.future();
            });
  }

  /** What one event makes stale; null for one that changes no public read. */
  static CatalogCache.Change changeOf(Buffer value) throws InvalidProtocolBufferException {
    if (value == null) {
      return null;
    }
    CatalogEvent event = CatalogEvent.parseFrom(value.getBytes());
    return switch (event.getKindCase()) {
      // a new product has no page cached yet, but it may belong in listings
      case PRODUCT_CHANGED ->
          event.getProductChanged().getReason().equals("created")
              ? CatalogCache.Change.LISTINGS
              : CatalogCache.Change.product(event.getProductId());
      case CATEGORY_CHANGED -> CatalogCache.Change.CATEGORIES;
      default -> null;
    };
  }

  public Future<Void> stop() {
    running = false;
    if (consumer == null) {
      return Future.succeededFuture();
    }
    return loop.recover(e -> Future.succeededFuture()).eventually(() -> consumer.close());
  }
}
