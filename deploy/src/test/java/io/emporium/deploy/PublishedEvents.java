package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Events on Kafka topics as services publish them: read back from the topic, or published as a
 * service's relay would.
 */
final class PublishedEvents {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private PublishedEvents() {}

  /**
   * Publishes one record per event id, each with the event's headers as the outbox relay writes
   * them.
   */
  static void publish(
      String topic, String key, String eventType, byte[] payload, List<String> eventIds)
      throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                "bootstrap.servers", TestPlatform.config().kafkaBootstrapServers),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (String eventId : eventIds) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, payload);
        record.headers().add("event-id", eventId.getBytes(StandardCharsets.UTF_8));
        record.headers().add("event-type", eventType.getBytes(StandardCharsets.UTF_8));
        producer.send(record).get();
      }
    }
  }

  /**
   * The payloads published under {@code key}, in order, once the schema's outbox holds none of that
   * key's events.
   */
  static List<byte[]> of(String schema, String topic, String key) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (TestPlatform.db()
            .preparedQuery("SELECT count(*) FROM " + schema + ".outbox WHERE event_key = $1")
            .execute(Tuple.of(key))
            .await()
            .iterator()
            .next()
            .getLong(0)
        > 0) {
      assertThat(System.nanoTime())
          .as("the " + schema + " outbox relays its events")
          .isLessThan(deadline);
      Thread.sleep(50);
    }
    List<byte[]> payloads = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                "bootstrap.servers", TestPlatform.config().kafkaBootstrapServers),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        assertThat(System.nanoTime()).as("reading " + topic + " to its end").isLessThan(deadline);
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (key.equals(record.key())) {
            payloads.add(record.value());
          }
        }
      }
    }
    return payloads;
  }
}
