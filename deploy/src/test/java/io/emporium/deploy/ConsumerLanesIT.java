package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.db.Database;
import io.emporium.common.events.EventConsumer;
import io.emporium.common.events.ParkedMessages;
import io.emporium.proto.events.v1.OrderEvent;
import io.emporium.proto.events.v1.OrderLine;
import io.emporium.proto.events.v1.OrderPaid;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A consumer applies a poll's events in lanes by key, each lane in a transaction of its own and the
 * lanes at once: every key's events in order, each once, a poison event parked without holding up
 * the rest. Its group's lag is on {@code /metrics} while it is held back, and back at 0 once it
 * caught up.
 */
@ExtendWith(TestPlatform.class)
class ConsumerLanesIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final String SCHEMA = "lanes_test";
  private static final String TOPIC = "lanes-test.events";
  private static final String WANTS_TOPIC = "lanes-test-wants.events";
  private static final int KEYS = 8;
  private static final int PER_KEY = 30;

  @Test
  void eachKeysEventsAreAppliedInOrderOnceWhileLanesRunAtOnceAndAPoisonEventIsParked()
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Database.migrate(vertx, TestPlatform.config(), SCHEMA).await();
      Pool pool = Database.pool(vertx, TestPlatform.config(), SCHEMA, 8);
      pool.query(
              "CREATE TABLE "
                  + SCHEMA
                  + ".applied (id bigserial PRIMARY KEY, key text NOT NULL, seq int NOT NULL, "
                  + "backend int NOT NULL)")
          .execute()
          .await();
      // consecutive last characters: the keys fall into every lane
      List<String> keys = IntStream.range(0, KEYS).mapToObj(i -> "order-" + i).toList();
      List<List<String>> ids =
          keys.stream()
              .map(
                  k ->
                      IntStream.range(0, PER_KEY)
                          .mapToObj(i -> UUID.randomUUID().toString())
                          .toList())
              .toList();
      String poisonKey = keys.get(2);
      int poisonSeq = 10;
      UUID poison = UUID.fromString(ids.get(2).get(poisonSeq));
      try (KafkaProducer<String, byte[]> producer = producer()) {
        for (int seq = 0; seq < PER_KEY; seq++) {
          for (int k = 0; k < KEYS; k++) {
            send(producer, keys.get(k), ids.get(k).get(seq), seq);
          }
        }
      }

      Set<SqlConnection> open = ConcurrentHashMap.newKeySet();
      AtomicInteger mostOpen = new AtomicInteger();
      EventConsumer.Handler handler =
          (tx, eventId, type, key, value) -> {
            if (open.add(tx)) {
              tx.transaction().completion().onComplete(ended -> open.remove(tx));
            }
            mostOpen.accumulateAndGet(open.size(), Math::max);
            if (eventId.equals(poison)) {
              return Future.failedFuture(new IllegalStateException("poisoned on purpose"));
            }
            return tx.preparedQuery(
                    "INSERT INTO "
                        + SCHEMA
                        + ".applied (key, seq, backend) VALUES ($1, $2, pg_backend_pid())")
                .execute(Tuple.of(key, Integer.parseInt(value.toString(StandardCharsets.UTF_8))))
                .mapEmpty();
          };
      ParkedMessages parked =
          new ParkedMessages(pool, SCHEMA, "lanes-test", new SimpleMeterRegistry());
      EventConsumer consumer =
          new EventConsumer(
              vertx,
              pool,
              SCHEMA,
              parked,
              new SimpleMeterRegistry(),
              "lanes-test-" + UUID.randomUUID(),
              TestPlatform.config().kafkaBootstrapServers,
              TOPIC,
              TestPlatform.config().eventRetry,
              handler);
      Context context = started(vertx, consumer);
      try {
        awaitApplied(pool, KEYS * PER_KEY - 1);
        for (String key : keys) {
          List<Integer> expected =
              IntStream.range(0, PER_KEY)
                  .filter(seq -> !key.equals(poisonKey) || seq != poisonSeq)
                  .boxed()
                  .toList();
          assertThat(appliedSeqs(pool, key))
              .as(key + "'s events, in the order they were applied")
              .isEqualTo(expected);
        }
        assertThat(mostOpen.get()).as("lane transactions open at the same time").isGreaterThan(1);
        long backends =
            pool.query("SELECT count(DISTINCT backend) FROM " + SCHEMA + ".applied")
                .execute()
                .await()
                .iterator()
                .next()
                .getLong(0);
        assertThat(backends).as("connections the lanes applied events on").isGreaterThan(1);
        System.out.println(
            "lanes: at most "
                + mostOpen.get()
                + " transactions open at once, events applied on "
                + backends
                + " connections");
        RowSet<Row> rows =
            pool.preparedQuery(
                    "SELECT key, attempts, last_error FROM "
                        + SCHEMA
                        + ".parked_messages WHERE event_id = $1")
                .execute(Tuple.of(poison))
                .await();
        assertThat(rows.size()).as("the poison event is parked").isEqualTo(1);
        Row row = rows.iterator().next();
        assertThat(row.getString("key")).isEqualTo(poisonKey);
        assertThat(row.getInteger("attempts")).isEqualTo(3);
        assertThat(row.getString("last_error")).contains("poisoned on purpose");

        // the first key's events come again, then one more: only the new one is applied
        try (KafkaProducer<String, byte[]> producer = producer()) {
          for (int seq = 0; seq < PER_KEY; seq++) {
            send(producer, keys.get(0), ids.get(0).get(seq), seq);
          }
          send(producer, keys.get(0), UUID.randomUUID().toString(), PER_KEY);
        }
        awaitApplied(pool, KEYS * PER_KEY);
        assertThat(appliedSeqs(pool, keys.get(0)))
            .as("redelivered events are not applied twice")
            .isEqualTo(IntStream.rangeClosed(0, PER_KEY).boxed().toList());
      } finally {
        stop(context, consumer);
      }
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void anEventTheHandlerDoesNotWantIsPassedByWithoutATransactionOrARecord() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Database.migrate(vertx, TestPlatform.config(), SCHEMA).await();
      Pool pool = Database.pool(vertx, TestPlatform.config(), SCHEMA, 8);
      pool.query("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".wanted (seq int NOT NULL)")
          .execute()
          .await();
      String key = "wants-" + UUID.randomUUID();
      List<String> ids =
          IntStream.range(0, 10).mapToObj(i -> UUID.randomUUID().toString()).toList();
      try (KafkaProducer<String, byte[]> producer = producer()) {
        for (int seq = 0; seq < ids.size(); seq++) {
          send(producer, WANTS_TOPIC, key, ids.get(seq), seq);
        }
      }
      Set<Integer> touched = ConcurrentHashMap.newKeySet();
      EventConsumer.Handler handler =
          new EventConsumer.Handler() {
            @Override
            public boolean wants(String eventType, io.vertx.core.buffer.Buffer value) {
              return Integer.parseInt(value.toString(StandardCharsets.UTF_8)) % 2 == 0;
            }

            @Override
            public Future<Void> prepare(
                UUID eventId, String eventType, String k, io.vertx.core.buffer.Buffer value) {
              touched.add(Integer.parseInt(value.toString(StandardCharsets.UTF_8)));
              return Future.succeededFuture();
            }

            @Override
            public Future<Void> apply(
                SqlConnection tx,
                UUID eventId,
                String eventType,
                String k,
                io.vertx.core.buffer.Buffer value) {
              int seq = Integer.parseInt(value.toString(StandardCharsets.UTF_8));
              touched.add(seq);
              return tx.preparedQuery("INSERT INTO " + SCHEMA + ".wanted (seq) VALUES ($1)")
                  .execute(Tuple.of(seq))
                  .mapEmpty();
            }
          };
      String group = "wants-test-" + UUID.randomUUID();
      ParkedMessages parked =
          new ParkedMessages(pool, SCHEMA, "lanes-test", new SimpleMeterRegistry());
      EventConsumer consumer =
          new EventConsumer(
              vertx,
              pool,
              SCHEMA,
              parked,
              new SimpleMeterRegistry(),
              group,
              TestPlatform.config().kafkaBootstrapServers,
              WANTS_TOPIC,
              TestPlatform.config().eventRetry,
              handler);
      Context context = started(vertx, consumer);
      try {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        List<UUID> even =
            IntStream.range(0, ids.size())
                .filter(i -> i % 2 == 0)
                .mapToObj(i -> UUID.fromString(ids.get(i)))
                .toList();
        while (pool.preparedQuery(
                    "SELECT count(*) FROM " + SCHEMA + ".processed_events WHERE consumer = $1")
                .execute(Tuple.of(group))
                .await()
                .iterator()
                .next()
                .getLong(0)
            < even.size()) {
          assertThat(System.nanoTime()).as("the wanted events are applied").isLessThan(deadline);
          Thread.sleep(100);
        }
        Thread.sleep(500); // an odd event, had it been taken, would have been recorded by now
        List<UUID> recorded = new ArrayList<>();
        pool.preparedQuery(
                "SELECT event_id FROM " + SCHEMA + ".processed_events WHERE consumer = $1")
            .execute(Tuple.of(group))
            .await()
            .forEach(row -> recorded.add(row.getUUID(0)));
        assertThat(recorded)
            .as("only the wanted events are recorded as processed")
            .containsExactlyInAnyOrderElementsOf(even);
        assertThat(touched)
            .as("events prepared or applied")
            .containsExactlyInAnyOrder(0, 2, 4, 6, 8);
      } finally {
        stop(context, consumer);
      }
    } finally {
      vertx.close().await();
    }
  }

  /**
   * A group that has committed nothing yet starts from the earliest event: its lag counts every
   * event on the topic, not none; and the series goes once its consumer stops.
   */
  @Test
  void aGroupThatCommittedNothingYetLagsByEveryEventAndItsSeriesGoesWhenItStops() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Database.migrate(vertx, TestPlatform.config(), SCHEMA).await();
      Pool pool = Database.pool(vertx, TestPlatform.config(), SCHEMA, 8);
      String topic = "lanes-test-fresh-" + UUID.randomUUID() + ".events";
      int events = 7;
      try (KafkaProducer<String, byte[]> producer = producer()) {
        for (int seq = 0; seq < events; seq++) {
          send(producer, topic, "key-" + seq, UUID.randomUUID().toString(), seq);
        }
      }
      // every event waits for the gate before its transaction: nothing is applied or committed
      Promise<Void> gate = Promise.promise();
      EventConsumer.Handler handler =
          new EventConsumer.Handler() {
            @Override
            public Future<Void> prepare(
                UUID eventId, String eventType, String k, io.vertx.core.buffer.Buffer value) {
              return gate.future();
            }

            @Override
            public Future<Void> apply(
                SqlConnection tx,
                UUID eventId,
                String eventType,
                String k,
                io.vertx.core.buffer.Buffer value) {
              return Future.succeededFuture();
            }
          };
      String group = "fresh-test-" + UUID.randomUUID();
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      EventConsumer consumer =
          new EventConsumer(
              vertx,
              pool,
              SCHEMA,
              new ParkedMessages(pool, SCHEMA, "lanes-test", new SimpleMeterRegistry()),
              meters,
              group,
              TestPlatform.config().kafkaBootstrapServers,
              topic,
              TestPlatform.config().eventRetry,
              handler);
      Context context = started(vertx, consumer);
      try {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (lagGauge(meters, topic, group) == null
            || lagGauge(meters, topic, group).value() != events) {
          assertThat(System.nanoTime())
              .as(
                  "the lag of a group that committed nothing: %s",
                  lagGauge(meters, topic, group) == null
                      ? "no series"
                      : lagGauge(meters, topic, group).value())
              .isLessThan(deadline);
          Thread.sleep(200);
        }
      } finally {
        context.runOnContext(v -> gate.tryComplete());
        stop(context, consumer);
      }
      assertThat(lagGauge(meters, topic, group)).as("the series of a stopped consumer").isNull();
    } finally {
      vertx.close().await();
    }
  }

  /**
   * A pool with no free connection for its whole connection timeout is an outage (waited out,
   * unbounded), not an attempt of the event that was waiting.
   */
  @Test
  void noFreePooledConnectionIsAnOutageNotAFailedAttempt() {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = Database.pool(vertx, TestPlatform.config(), SCHEMA, 1);
      SqlConnection held = pool.getConnection().await();
      try {
        Throwable failure =
            pool.query("SELECT 1").execute().<Throwable>map(rows -> null).otherwise(e -> e).await();
        assertThat(failure).as("the pool's only connection is held").isNotNull();
        assertThat(EventConsumer.outage(failure)).as(failure.toString()).isTrue();
      } finally {
        held.close().await();
      }
    } finally {
      vertx.close().await();
    }
  }

  private static io.micrometer.core.instrument.Gauge lagGauge(
      SimpleMeterRegistry meters, String topic, String group) {
    return meters.find("emporium.consumer.lag").tag("topic", topic).tag("group", group).gauge();
  }

  /** Starts the consumer on a context of its own, which it is stopped on too. */
  private static Context started(Vertx vertx, EventConsumer consumer) {
    Context context = vertx.getOrCreateContext();
    Promise<Void> started = Promise.promise();
    context.runOnContext(v -> consumer.start().onComplete(started));
    started.future().await();
    return context;
  }

  private static void stop(Context context, EventConsumer consumer) {
    Promise<Void> stopped = Promise.promise();
    context.runOnContext(v -> consumer.stop().onComplete(stopped));
    stopped.future().await();
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.<String, Object>of("bootstrap.servers", TestPlatform.config().kafkaBootstrapServers),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  /** One event as a relay writes it; its payload is its number within its key. */
  private static void send(
      KafkaProducer<String, byte[]> producer, String key, String eventId, int seq)
      throws Exception {
    send(producer, TOPIC, key, eventId, seq);
  }

  private static void send(
      KafkaProducer<String, byte[]> producer, String topic, String key, String eventId, int seq)
      throws Exception {
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(topic, key, Integer.toString(seq).getBytes(StandardCharsets.UTF_8));
    record.headers().add("event-id", eventId.getBytes(StandardCharsets.UTF_8));
    record.headers().add("event-type", "LaneTest".getBytes(StandardCharsets.UTF_8));
    producer.send(record).get();
  }

  private static void awaitApplied(Pool pool, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      long applied =
          pool.query("SELECT count(*) FROM " + SCHEMA + ".applied")
              .execute()
              .await()
              .iterator()
              .next()
              .getLong(0);
      if (applied >= expected) {
        assertThat(applied).as("each event applied once").isEqualTo(expected);
        return;
      }
      assertThat(System.nanoTime())
          .as(applied + " of " + expected + " events applied")
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static List<Integer> appliedSeqs(Pool pool, String key) {
    List<Integer> seqs = new ArrayList<>();
    pool.preparedQuery("SELECT seq FROM " + SCHEMA + ".applied WHERE key = $1 ORDER BY id")
        .execute(Tuple.of(key))
        .await()
        .forEach(row -> seqs.add(row.getInteger(0)));
    return seqs;
  }

  @Test
  void theLagOfAHeldBackConsumerRisesAndIsZeroOnceItCaughtUp(Api api) throws Exception {
    Map<String, String> purchases =
        Map.of("topic", "ordering.events", "group", "catalog-purchases");
    String seller = Accounts.signedIn(api, "seller").accessToken();
    String held = product(api, seller);
    String other = product(api, seller);
    // a first sale, applied and committed: the lag counts the partitions the group has committed
    String first = product(api, seller);
    publishSale(first);
    awaitCommitted("catalog-purchases", "ordering.events");
    awaitLag(api, purchases, lag -> lag == 0, "caught up at first");
    assertThat(unitsSold(first)).isEqualTo(1);
    int behind = 5;
    SqlConnection locker = TestPlatform.db().getConnection().await();
    try {
      Transaction lock = locker.begin().await();
      // the consumer's lane that records a sale of this product waits for the row, and the poll
      // with it
      locker
          .preparedQuery("SELECT 1 FROM catalog.products WHERE id = $1 FOR UPDATE")
          .execute(Tuple.of(UUID.fromString(held)))
          .await();
      publishSale(held);
      awaitWaitingForTheRow();
      awaitLag(api, purchases, lag -> lag >= 1, "the held sale is not applied");
      for (int i = 0; i < behind; i++) {
        publishSale(other);
      }
      double shown =
          awaitLag(api, purchases, lag -> lag >= 1 + behind, "the sales behind it wait too");
      assertThat(unitsSold(other)).as("nothing behind the held poll is applied").isZero();
      System.out.println("emporium_consumer_lag of catalog-purchases while held back: " + shown);
      lock.rollback().await();
    } finally {
      locker.close().await();
    }
    awaitLag(api, purchases, lag -> lag == 0, "caught up again");
    assertThat(unitsSold(held)).isEqualTo(1);
    assertThat(unitsSold(other)).isEqualTo(behind);
  }

  private static double awaitLag(
      Api api, Map<String, String> labels, java.util.function.DoublePredicate wanted, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      ScrapedMetrics metrics = ScrapedMetrics.of(api);
      assertThat(metrics.series("emporium_consumer_lag"))
          .as("the lag is on /metrics")
          .anyMatch(series -> series.entrySet().containsAll(labels.entrySet()));
      double lag = metrics.value("emporium_consumer_lag", labels);
      if (wanted.test(lag)) {
        return lag;
      }
      assertThat(System.nanoTime())
          .as(what + ": emporium_consumer_lag " + labels + " shows " + lag)
          .isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  /** Waits until the group has committed an offset of every partition of the topic. */
  private static void awaitCommitted(String group, String topic) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(
            Map.<String, Object>of(
                "bootstrap.servers", TestPlatform.config().kafkaBootstrapServers))) {
      int partitions =
          admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      while (admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get()
              .keySet()
              .stream()
              .filter(p -> p.topic().equals(topic))
              .count()
          < partitions) {
        assertThat(System.nanoTime())
            .as(group + " has committed its offsets of " + topic)
            .isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }

  /**
   * The consumer's lane is in PostgreSQL, waiting for the locked product: its poll cannot finish.
   */
  private static void awaitWaitingForTheRow() throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (TestPlatform.db()
            .query(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%units_sold%'")
            .execute()
            .await()
            .iterator()
            .next()
            .getLong(0)
        == 0) {
      assertThat(System.nanoTime())
          .as("the purchases consumer waits for the locked product")
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static String product(Api api, String token) {
    Api.Response r =
        api.post(
            "/api/v1/products",
            token,
            new JsonObject()
                .put("name", "Lagging lamp")
                .put("price", 2_500)
                .put("currency", "usd")
                .put("stock", 50));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  /**
   * One order paid for one unit of the product, under the order's id as the ordering relay keys it.
   */
  private static void publishSale(String productId) throws Exception {
    String eventId = UUID.randomUUID().toString();
    String orderId = UUID.randomUUID().toString();
    byte[] event =
        OrderEvent.newBuilder()
            .setEventId(eventId)
            .setOccurredAt(Instant.now().toString())
            .setOrderId(orderId)
            .setCustomerId(UUID.randomUUID().toString())
            .setStatus("paid")
            .setPreviousStatus("pending_payment")
            .setOrderPaid(
                OrderPaid.newBuilder()
                    .setCurrency("USD")
                    .setTotal(2_500L)
                    .addLines(
                        OrderLine.newBuilder()
                            .setProductId(productId)
                            .setSku("LAG-1")
                            .setQuantity(1)
                            .setUnitPrice(2_500)))
            .build()
            .toByteArray();
    PublishedEvents.publish("ordering.events", orderId, "OrderPaid", event, List.of(eventId));
  }

  private static long unitsSold(String productId) {
    return TestPlatform.db()
        .preparedQuery("SELECT units_sold FROM catalog.products WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(productId)))
        .await()
        .iterator()
        .next()
        .getLong(0);
  }
}
