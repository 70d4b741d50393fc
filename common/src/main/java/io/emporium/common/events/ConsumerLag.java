package io.emporium.common.events;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.OffsetSpec;
import io.vertx.kafka.client.common.TopicPartition;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The gauge {@code emporium.consumer.lag}: events on a topic that a consumer group has not applied
 * yet, the log end minus the group's committed offset summed over the partitions it committed.
 * Asked of the broker, not of the consumer, so a consumer that is stuck is measured all the same;
 * every consumer of the group in a process sets the one series.
 */
final class ConsumerLag {
  /**
   * One number per registry, topic and group, whichever of the group's consumers measured it last.
   */
  private static final Map<MeterRegistry, Map<String, AtomicLong>> GROUPS = new WeakHashMap<>();

  private final String topic;
  private final String group;
  private final AtomicLong behind;

  ConsumerLag(MeterRegistry registry, String topic, String group) {
    this.topic = topic;
    this.group = group;
    synchronized (GROUPS) {
      this.behind =
          GROUPS
              .computeIfAbsent(registry, r -> new ConcurrentHashMap<>())
              .computeIfAbsent(
                  topic + "\n" + group,
                  id -> {
                    AtomicLong lag = new AtomicLong();
                    Gauge.builder("emporium.consumer.lag", lag, AtomicLong::get)
                        .strongReference(true)
                        .tag("topic", topic)
                        .tag("group", group)
                        .description("Events on the topic the consumer group has not applied yet")
                        .register(registry);
                    return lag;
                  });
    }
  }

  /** The group's commits, then the log ends of those partitions: two requests to the broker. */
  Future<Void> measure(KafkaAdminClient admin) {
    return admin
        .listConsumerGroupOffsets(group)
        .compose(
            commits -> {
              Map<TopicPartition, Long> committed = new HashMap<>();
              commits.forEach(
                  (partition, offset) -> {
                    if (partition.getTopic().equals(topic)) {
                      committed.put(partition, offset.getOffset());
                    }
                  });
              if (committed.isEmpty()) {
                return Future.succeededFuture(0L);
              }
              Map<TopicPartition, OffsetSpec> latest =
                  committed.keySet().stream()
                      .collect(Collectors.toMap(p -> p, p -> OffsetSpec.LATEST));
              return admin
                  .listOffsets(latest)
                  .map(
                      ends ->
                          ends.entrySet().stream()
                              .mapToLong(
                                  end ->
                                      Math.max(
                                          0,
                                          end.getValue().getOffset() - committed.get(end.getKey())))
                              .sum());
            })
        .onSuccess(behind::set)
        .mapEmpty();
  }
}
