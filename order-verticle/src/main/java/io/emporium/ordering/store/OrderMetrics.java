package io.emporium.ordering.store;

import io.emporium.ordering.domain.OrderStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ordering service's business meters: orders by status (recounted from the schema on a timer,
 * so a scrape never queries and a restart loses nothing), status changes as they commit, and how
 * long checkout and paying take.
 */
public final class OrderMetrics {
  /** The {@code from} of an order's first status. */
  static final String NEW = "none";

  public static final String SESSION_READY = "session_ready";
  public static final String REFUSED = "refused";
  public static final String FAILED = "failed";

  private final MeterRegistry registry;
  private final Map<OrderStatus, AtomicLong> orders = new EnumMap<>(OrderStatus.class);
  private final Timer placedToPaid;

  public OrderMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (OrderStatus status : OrderStatus.values()) {
      AtomicLong count = new AtomicLong();
      orders.put(status, count);
      Gauge.builder("emporium.orders", count, AtomicLong::get)
          .strongReference(true)
          .tag("status", status.wire())
          .description("Orders now in each status, as last counted in the ordering schema")
          .register(registry);
      for (OrderStatus to : status.next()) {
        statusChanges(status.wire(), to);
      }
    }
    statusChanges(NEW, OrderStatus.PENDING_PAYMENT);
    for (String outcome : List.of(SESSION_READY, REFUSED, FAILED)) {
      checkout(outcome);
    }
    placedToPaid =
        Timer.builder("emporium.order.placed.to.paid")
            .description(
                "From an order placed at checkout to its payment applied (customer on Stripe's page, webhook, events)")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofSeconds(1))
            .maximumExpectedValue(Duration.ofHours(24))
            .register(registry);
  }

  /**
   * The last count of orders by status ({@link OrderStatus#wire()}); a status not counted has none.
   */
  public void recount(Map<String, Long> byStatus) {
    orders.forEach((status, count) -> count.set(byStatus.getOrDefault(status.wire(), 0L)));
  }

  /** An order was placed, counted once its transaction commits. */
  public void placed(SqlConnection tx) {
    tx.transaction()
        .completion()
        .onSuccess(v -> statusChanges(NEW, OrderStatus.PENDING_PAYMENT).increment());
  }

  /**
   * An order placed at {@code placedAt} moved from {@code from} to {@code to}, counted once its
   * transaction commits.
   */
  public void changed(SqlConnection tx, String from, OrderStatus to, String placedAt) {
    tx.transaction()
        .completion()
        .onSuccess(
            v -> {
              statusChanges(from, to).increment();
              if (to == OrderStatus.PAID) {
                placedToPaid.record(
                    Duration.between(OffsetDateTime.parse(placedAt).toInstant(), Instant.now()));
              }
            });
  }

  /** One run of the checkout saga, from its order placed to {@code outcome}. */
  public void checkoutEnded(long startedNanos, String outcome) {
    checkout(outcome).record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
  }

  private Counter statusChanges(String from, OrderStatus to) {
    return Counter.builder("emporium.order.status.changes")
        .tag("from", from)
        .tag("to", to.wire())
        .description("Order status changes committed by this process")
        .register(registry);
  }

  private Timer checkout(String outcome) {
    return Timer.builder("emporium.checkout.duration")
        .tag("outcome", outcome)
        .description(
            "POST /checkout in the ordering service: order placed, stock reserved, Stripe session opened")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(10))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
  }
}
