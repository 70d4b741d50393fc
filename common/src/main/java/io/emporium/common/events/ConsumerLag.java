package io.emporium.common.events;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.OffsetSpec;
import io.vertx.kafka.client.common.TopicPartition;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.stream.Collectors;

/**
 * The gauge {@code emporium.consumer.lag}: events on a topic that a consumer group has not applied
 * yet, summed over the topic's partitions: the log end minus the group's committed offset, or minus
 * the log start where the group has committed nothing yet (it starts from the earliest event).
 * Asked of the broker, not of the consumer, so a consumer that is stuck is measured all the same;
 * every consumer of the group in a process sets the one series, and the series goes when the last
 * of them stops.
 */
final class ConsumerLag {
  /** Measurements between two lookups of the topic's partitions (which can be added). */
  private static final int PARTITIONS_EVERY = 30;

  /**
   * One number per registry, topic and group, whichever of the group's consumers measured it last.
   */
  private static final Map<MeterRegistry, Map<String, Series>> GROUPS = new WeakHashMap<>();

  /** The series of a topic and group in one registry, and how many consumers set it. */
  private static final class Series {
    volatile long behind;
    Gauge gauge;
    int users;
  }

  private final MeterRegistry registry;
  private final String topic;
  private final String group;
  private final Series series;
  private List<TopicPartition> partitions;
  private int measured;

  ConsumerLag(MeterRegistry registry, String topic, String group) {
    this.registry = registry;
    this.topic = topic;
    this.group = group;
    synchronized (GROUPS) {
      this.series =
          GROUPS
              .computeIfAbsent(registry, r -> new HashMap<>())
              .computeIfAbsent(
                  key(),
                  id -> {
                    Series s = new Series();
                    s.gauge =
                        Gauge.builder("emporium.consumer.lag", s, x -> x.behind)
                            .strongReference(true)
                            .tag("topic", topic)
                            .tag("group", group)
                            .description(
                                "Events on the topic the consumer group has not applied yet")
                            .register(registry);
                    return s;
                  });
      series.users++;
    }
  }

  /**
   * The topic's partitions (now and then), the group's commits, then the log ends (and the log
   * starts of partitions the group has not committed): two to four requests to the broker.
   */
  Future<Void> measure(KafkaAdminClient admin) {
    Future<List<TopicPartition>> known =
        partitions != null && measured++ % PARTITIONS_EVERY != 0
            ? Future.succeededFuture(partitions)
            : admin
                .describeTopics(List.of(topic))
                .map(
                    topics ->
                        topics.get(topic).getPartitions().stream()
                            .map(p -> new TopicPartition(topic, p.getPartition()))
                            .toList())
                .onSuccess(found -> partitions = found);
    return known
        .compose(
            all ->
                admin
                    .listConsumerGroupOffsets(group)
                    .compose(
                        commits -> {
                          Map<TopicPartition, Long> from = new HashMap<>();
                          commits.forEach(
                              (partition, offset) -> {
                                if (partition.getTopic().equals(topic)) {
                                  from.put(partition, offset.getOffset());
                                }
                              });
                          List<TopicPartition> uncommitted =
                              all.stream().filter(p -> !from.containsKey(p)).toList();
                          Future<Void> starts =
                              uncommitted.isEmpty()
                                  ? Future.succeededFuture()
                                  : admin
                                      .listOffsets(specs(uncommitted, OffsetSpec.EARLIEST))
                                      .onSuccess(
                                          s -> s.forEach((p, o) -> from.put(p, o.getOffset())))
                                      .mapEmpty();
                          return starts.compose(
                              v ->
                                  admin
                                      .listOffsets(specs(from.keySet(), OffsetSpec.LATEST))
                                      .map(
                                          ends ->
                                              ends.entrySet().stream()
                                                  .mapToLong(
                                                      end ->
                                                          Math.max(
                                                              0,
                                                              end.getValue().getOffset()
                                                                  - from.get(end.getKey())))
                                                  .sum()));
                        }))
        .onSuccess(behind -> series.behind = behind)
        .mapEmpty();
  }

  /** This consumer stopped: the series goes with the last of its group in this process. */
  void release() {
    synchronized (GROUPS) {
      if (--series.users == 0) {
        registry.remove(series.gauge);
        Map<String, Series> groups = GROUPS.get(registry);
        if (groups != null) {
          groups.remove(key());
        }
      }
    }
  }

  private String key() {
    return topic + "\n" + group;
  }

  private static Map<TopicPartition, OffsetSpec> specs(
      Collection<TopicPartition> partitions, OffsetSpec spec) {
    return partitions.stream().collect(Collectors.toMap(p -> p, p -> spec));
  }
}
