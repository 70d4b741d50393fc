package io.emporium.catalog.consume;

import io.emporium.catalog.store.PurchaseStore;
import io.emporium.common.Ids;
import io.emporium.common.events.EventConsumer;
import io.emporium.proto.events.v1.OrderEvent;
import io.emporium.proto.events.v1.OrderLine;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns from {@code ordering.events} what each customer bought: the source of verified reviews and
 * recommendations.
 */
public final class OrderEventsConsumer implements EventConsumer.EventHandler<OrderEvent> {
  public static final String TOPIC = "ordering.events";
  private static final Logger LOG = LoggerFactory.getLogger(OrderEventsConsumer.class);
  private final PurchaseStore purchases;

  public OrderEventsConsumer(PurchaseStore purchases) {
    this.purchases = purchases;
  }

  /** What the topic's consumer runs: each event read, then handled here. */
  public EventConsumer.Handler handler() {
    return EventConsumer.of(OrderEvent::parseFrom, this);
  }

  /** Only paid orders: the other order events pass by without a transaction. */
  @Override
  public boolean wants(OrderEvent event) {
    return event.hasOrderPaid();
  }

  @Override
  public Future<Void> apply(SqlConnection tx, UUID eventId, OrderEvent event) {
    if (!event.hasOrderPaid()) {
      return Future.succeededFuture();
    }
    if (event.getCustomerId().isEmpty()) {
      // a guest's order: purchases are a customer's (reviews, recommendations), a guest has none
      return Future.succeededFuture();
    }
    UUID order = Ids.parse(event.getOrderId());
    UUID customer = Ids.parse(event.getCustomerId());
    if (order == null || customer == null) {
      LOG.error("skipped order event {}: order or customer id is not a UUID", event.getEventId());
      return Future.succeededFuture();
    }
    Map<UUID, Integer> quantities = new LinkedHashMap<>();
    for (OrderLine line : event.getOrderPaid().getLinesList()) {
      UUID product = Ids.parse(line.getProductId());
      if (product != null && line.getQuantity() > 0) {
        quantities.merge(product, line.getQuantity(), Integer::sum);
      }
    }
    return purchases.record(tx, order, customer, quantities, occurredAt(event.getOccurredAt()));
  }

  private static OffsetDateTime occurredAt(String rfc3339) {
    try {
      return OffsetDateTime.parse(rfc3339);
    } catch (DateTimeParseException e) {
      return OffsetDateTime.now(ZoneOffset.UTC);
    }
  }
}
