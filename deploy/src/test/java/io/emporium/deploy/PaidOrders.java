package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.proto.events.v1.OrderEvent;
import io.emporium.proto.events.v1.OrderLine;
import io.emporium.proto.events.v1.OrderPaid;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Paid orders as the ordering service announces them on {@code ordering.events}, for what the
 * catalog learns from them.
 */
final class PaidOrders {
  private PaidOrders() {}

  /**
   * Publishes an OrderPaid event for one line and waits until the catalog has recorded the
   * purchase.
   */
  static String publish(String customerId, String productId, int quantity) throws Exception {
    String orderId = UUID.randomUUID().toString();
    String eventId = UUID.randomUUID().toString();
    byte[] event =
        OrderEvent.newBuilder()
            .setEventId(eventId)
            .setOccurredAt(Instant.now().toString())
            .setOrderId(orderId)
            .setCustomerId(customerId)
            .setOrderPaid(
                OrderPaid.newBuilder()
                    .setCurrency("usd")
                    .setTotal(1000L * quantity)
                    .addLines(
                        OrderLine.newBuilder()
                            .setProductId(productId)
                            .setSku("ANY")
                            .setQuantity(quantity)
                            .setUnitPrice(1000)))
            .build()
            .toByteArray();
    PublishedEvents.publish("ordering.events", orderId, "OrderPaid", event, List.of(eventId));
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      long rows =
          TestPlatform.db()
              .preparedQuery("SELECT count(*) FROM catalog.purchases WHERE order_id = $1")
              .execute(Tuple.of(UUID.fromString(orderId)))
              .await()
              .iterator()
              .next()
              .getLong(0);
      if (rows == 1) {
        return orderId;
      }
      Thread.sleep(100);
    }
    assertThat(false).as("the catalog recorded order " + orderId + " within 30 s").isTrue();
    return orderId;
  }
}
