package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.db.Database;
import io.emporium.common.events.OutboxRelay;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The outbox relays wake when an outbox row commits: the test platform's fallback poll is 30 s
 * ({@code OUTBOX_POLL_INTERVAL} in {@link TestPlatform}), so an event on Kafka within moments of
 * its commit was published on the commit's notification. One whose notification never came is
 * published by the poll.
 */
@ExtendWith(TestPlatform.class)
class OutboxRelayIT {
  private static final String TOPIC = "relay-test.events";
  private static final String QUIET_SCHEMA = "relay_test";
  private static final Duration ON_COMMIT = Duration.ofSeconds(2);
  private static KafkaConsumer<String, byte[]> consumer;

  @BeforeAll
  static void listenToTheTestTopic() throws Exception {
    Map<String, Object> kafka =
        Map.of("bootstrap.servers", TestPlatform.config().kafkaBootstrapServers);
    try (Admin admin = Admin.create(kafka)) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
    }
    consumer = new KafkaConsumer<>(kafka, new StringDeserializer(), new ByteArrayDeserializer());
    TopicPartition partition = new TopicPartition(TOPIC, 0);
    consumer.assign(List.of(partition));
    consumer.seekToEnd(List.of(partition));
    consumer.position(partition);
  }

  @AfterAll
  static void close() {
    consumer.close();
  }

  @Test
  void eachCommittedEventIsOnKafkaWithinMomentsWhileThePollIsSlow() throws Exception {
    assertThat(TestPlatform.config().outboxPollInterval).isEqualTo(Duration.ofSeconds(30));
    List<Long> delays = new ArrayList<>();
    for (String schema :
        List.of("identity", "catalog", "ordering", "payment", "catalog", "ordering")) {
      String key = "wake-" + UUID.randomUUID();
      commitOutboxRow(schema, key, false);
      long committed = System.nanoTime();
      awaitRecord(key, ON_COMMIT.plusSeconds(8));
      long millis = (System.nanoTime() - committed) / 1_000_000;
      delays.add(millis);
      assertThat(millis)
          .as(schema + "'s relay publishes on the commit, not on its 30 s poll")
          .isLessThan(ON_COMMIT.toMillis());
    }
    Collections.sort(delays);
    System.out.println("outbox commit to Kafka record, ms (sorted): " + delays);
  }

  /**
   * On a schema of its own with a relay of its own, so nothing but that relay's poll can publish
   * the row.
   */
  @Test
  void anEventWhoseNotificationWasLostIsPublishedByTheFallbackPoll() throws Exception {
    Map<String, String> settings = TestPlatform.backingServices();
    settings.put("OUTBOX_POLL_INTERVAL", "3s");
    EmporiumConfig config = EmporiumConfig.from(settings);
    Vertx vertx = Vertx.vertx();
    try {
      Database.migrate(vertx, config, QUIET_SCHEMA).await();
      Pool pool = Database.pool(vertx, config, QUIET_SCHEMA, 2);
      OutboxRelay relay = new OutboxRelay(vertx, pool, config, QUIET_SCHEMA).start();
      awaitListening("emporium-outbox-relay-" + QUIET_SCHEMA);
      String key = "lost-" + UUID.randomUUID();
      commitOutboxRow(QUIET_SCHEMA, key, true);
      long committed = System.nanoTime();
      awaitRecord(key, Duration.ofSeconds(15));
      System.out.println(
          "an outbox row without its notification reached Kafka after "
              + (System.nanoTime() - committed) / 1_000_000
              + " ms (poll every 3 s)");
      // the relay deletes the row once Kafka acknowledged it, which may be just after the record is
      // readable
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (outboxRows(QUIET_SCHEMA, key) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(outboxRows(QUIET_SCHEMA, key)).as("published, then deleted").isZero();
      relay.stop().await();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void noTransactionIsOpenWhileKafkaKeepsTheRelayWaitingAndTheSchemaStaysLocked() throws Exception {
    String schema = "relay_stall_test";
    // a broker that takes connections and never answers: the relay's sends wait
    try (java.net.ServerSocket silent =
        new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Map<String, String> settings = TestPlatform.backingServices();
      settings.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + silent.getLocalPort());
      EmporiumConfig config = EmporiumConfig.from(settings);
      Vertx vertx = Vertx.vertx();
      try {
        Database.migrate(vertx, config, schema).await();
        Pool pool = Database.pool(vertx, config, schema, 2);
        commitOutboxRow(schema, "stalled-" + UUID.randomUUID(), false);
        OutboxRelay relay = new OutboxRelay(vertx, pool, config, schema).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<String> states = List.of();
        while (states.isEmpty()) {
          assertThat(System.nanoTime()).as("the relay has read its outbox").isLessThan(deadline);
          Thread.sleep(50);
          states = new ArrayList<>();
          for (var row :
              TestPlatform.db()
                  .preparedQuery("SELECT state FROM pg_stat_activity WHERE query LIKE $1")
                  .execute(Tuple.of("SELECT id, event_id, topic%FROM " + schema + ".outbox%"))
                  .await()) {
            states.add(row.getString(0));
          }
        }
        Thread.sleep(1000);
        assertThat(
                TestPlatform.db()
                    .preparedQuery("SELECT state FROM pg_stat_activity WHERE query LIKE $1")
                    .execute(Tuple.of("SELECT id, event_id, topic%FROM " + schema + ".outbox%"))
                    .await()
                    .iterator()
                    .next()
                    .getString(0))
            .as("the relay's connection while Kafka keeps it waiting")
            .isEqualTo("idle");
        boolean taken =
            TestPlatform.db()
                .withConnection(
                    c ->
                        c.preparedQuery("SELECT pg_try_advisory_lock(hashtext($1))")
                            .execute(Tuple.of("outbox." + schema))
                            .compose(
                                r ->
                                    r.iterator().next().getBoolean(0)
                                        ? c.preparedQuery("SELECT pg_advisory_unlock(hashtext($1))")
                                            .execute(Tuple.of("outbox." + schema))
                                            .map(true)
                                        : Future.succeededFuture(false)))
                .await();
        assertThat(taken).as("another relay could take the schema's lock meanwhile").isFalse();
        assertThat(outboxRows(schema, "stalled-%"))
            .as("nothing deleted before Kafka acknowledged it")
            .isEqualTo(1);
        relay.stop().await();
      } finally {
        vertx.close().await();
      }
    }
  }

  @Test
  void aRelayListensAgainAfterItsConnectionDrops() throws Exception {
    Pool db = TestPlatform.db();
    String listener = "emporium-outbox-relay-payment";
    Set<Integer> before = listeners(listener);
    assertThat(before).as("the payment relay's listening connection").isNotEmpty();
    db.preparedQuery(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1")
        .execute(Tuple.of(listener))
        .await();
    awaitListening(listener, before);
    String key = "again-" + UUID.randomUUID();
    commitOutboxRow("payment", key, false);
    long committed = System.nanoTime();
    awaitRecord(key, ON_COMMIT.plusSeconds(8));
    assertThat((System.nanoTime() - committed) / 1_000_000)
        .as("woken on commit over the new connection")
        .isLessThan(ON_COMMIT.toMillis());
  }

  /**
   * Waits until a relay's connection other than {@code former} has issued its LISTEN, and a little
   * past the catch-up drain that follows, so that only a notification or the poll can publish a row
   * committed next.
   */
  private static void awaitListening(String applicationName, Set<Integer> former)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (listeners(applicationName).isEmpty()
        || !Collections.disjoint(listeners(applicationName), former)) {
      assertThat(System.nanoTime())
          .as(applicationName + " listens (again) by itself")
          .isLessThan(deadline);
      Thread.sleep(100);
    }
    Thread.sleep(500);
  }

  private static void awaitListening(String applicationName) throws InterruptedException {
    awaitListening(applicationName, Set.of());
  }

  /** Backends of that relay connection that have issued their LISTEN. */
  private static Set<Integer> listeners(String applicationName) {
    Set<Integer> pids = new HashSet<>();
    TestPlatform.db()
        .preparedQuery(
            "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'")
        .execute(Tuple.of(applicationName))
        .await()
        .forEach(row -> pids.add(row.getInteger(0)));
    return pids;
  }

  /**
   * Commits one outbox row as a service would; {@code silently} with triggers off, as if its
   * notification were lost.
   */
  private static void commitOutboxRow(String schema, String key, boolean silently) {
    TestPlatform.db()
        .withTransaction(
            tx ->
                (silently
                        ? tx.query("SET LOCAL session_replication_role = replica")
                            .execute()
                            .mapEmpty()
                        : Future.succeededFuture())
                    .compose(
                        v ->
                            tx.preparedQuery(
                                    "INSERT INTO "
                                        + schema
                                        + ".outbox (event_id, topic, event_key, event_type, payload) "
                                        + "VALUES ($1, $2, $3, 'RelayTest', $4)")
                                .execute(
                                    Tuple.of(
                                        UUID.randomUUID(),
                                        TOPIC,
                                        key,
                                        Buffer.buffer(key, StandardCharsets.UTF_8.name())))))
        .await();
  }

  private static long outboxRows(String schema, String key) {
    return TestPlatform.db()
        .preparedQuery("SELECT count(*) FROM " + schema + ".outbox WHERE event_key LIKE $1")
        .execute(Tuple.of(key))
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  private static void awaitRecord(String key, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(20))) {
        if (key.equals(record.key())) {
          assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo(key);
          return;
        }
      }
    }
    throw new AssertionError("no record with key " + key + " on " + TOPIC + " within " + patience);
  }
}
