package io.emporium.ordering.publish;

import io.emporium.common.events.Outbox;
import io.emporium.proto.events.v1.OrderCancelled;
import io.emporium.proto.events.v1.OrderEvent;
import io.emporium.proto.events.v1.OrderLine;
import io.emporium.proto.events.v1.OrderPaid;
import io.emporium.proto.events.v1.OrderPlaced;
import io.emporium.proto.events.v1.OrderRefunded;
import io.emporium.proto.events.v1.OrderShipped;
import io.emporium.proto.events.v1.OrderStatusChanged;
import io.emporium.proto.ordering.v1.Order;
import io.emporium.proto.ordering.v1.OrderItem;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Order state changes on {@code ordering.events}, keyed by order id, written in the transaction
 * that makes them.
 */
public final class OrderEvents {
  public static final String TOPIC = "ordering.events";
  private final Outbox outbox = new Outbox("ordering");

  /** A guest's order carries its order token ({@code null} for a customer's), for its mail. */
  public Future<Void> placed(SqlConnection tx, Order order, String orderToken) {
    return append(
        tx,
        order,
        "",
        OrderEvent.newBuilder()
            .setOrderPlaced(
                OrderPlaced.newBuilder()
                    .addAllLines(lines(order))
                    .setTotal(order.getTotal())
                    .setCurrency(order.getCurrency())
                    .setOrderToken(orderToken == null ? "" : orderToken)),
        "OrderPlaced");
  }

  public Future<Void> paid(SqlConnection tx, Order order, String previousStatus) {
    return append(
        tx,
        order,
        previousStatus,
        OrderEvent.newBuilder()
            .setOrderPaid(
                OrderPaid.newBuilder()
                    .addAllLines(lines(order))
                    .setTotal(order.getTotal())
                    .setCurrency(order.getCurrency())
                    .setPaymentIntentId(order.getPaymentIntentId())),
        "OrderPaid");
  }

  public Future<Void> cancelled(
      SqlConnection tx, Order order, String previousStatus, String reason) {
    return append(
        tx,
        order,
        previousStatus,
        OrderEvent.newBuilder().setOrderCancelled(OrderCancelled.newBuilder().setReason(reason)),
        "OrderCancelled");
  }

  public Future<Void> statusChanged(
      SqlConnection tx, Order order, String previousStatus, String actor) {
    return append(
        tx,
        order,
        previousStatus,
        OrderEvent.newBuilder().setStatusChanged(OrderStatusChanged.newBuilder().setActor(actor)),
        "OrderStatusChanged");
  }

  /** One seller's part left with a carrier; the order's status is unchanged by this event alone. */
  public Future<Void> shipped(
      SqlConnection tx, Order order, String sellerId, String carrier, String trackingNumber) {
    List<OrderLine> theirs =
        lines(order).stream().filter(l -> l.getSellerId().equals(sellerId)).toList();
    return append(
        tx,
        order,
        order.getStatus(),
        OrderEvent.newBuilder()
            .setShipped(
                OrderShipped.newBuilder()
                    .setSellerId(sellerId)
                    .setCarrier(carrier)
                    .setTrackingNumber(trackingNumber)
                    .addAllLines(theirs)),
        "OrderShipped");
  }

  /** A refund counted for the first time; {@code refundedTotal} includes it. */
  public Future<Void> refunded(
      SqlConnection tx, Order order, String refundId, long amount, long refundedTotal) {
    return append(
        tx,
        order,
        order.getStatus(),
        OrderEvent.newBuilder()
            .setRefunded(
                OrderRefunded.newBuilder()
                    .setRefundId(refundId)
                    .setAmount(amount)
                    .setRefundedTotal(refundedTotal)
                    .setCurrency(order.getCurrency())),
        "OrderRefunded");
  }

  private Future<Void> append(
      SqlConnection tx, Order order, String previousStatus, OrderEvent.Builder event, String type) {
    UUID eventId = UUID.randomUUID();
    byte[] payload =
        event
            .setEventId(eventId.toString())
            .setOccurredAt(Instant.now().toString())
            .setOrderId(order.getId())
            .setCustomerId(order.getCustomerId())
            .setGuestEmail(order.getGuestEmail())
            .setStatus(order.getStatus())
            .setPreviousStatus(previousStatus)
            .build()
            .toByteArray();
    return outbox.append(tx, TOPIC, order.getId(), eventId, type, payload);
  }

  private static List<OrderLine> lines(Order order) {
    return order.getItemsList().stream()
        .map(
            (OrderItem i) ->
                OrderLine.newBuilder()
                    .setProductId(i.getProductId())
                    .setSku(i.getSku())
                    .setQuantity(i.getQuantity())
                    .setUnitPrice(i.getUnitPrice())
                    .setSellerId(i.getSellerId())
                    .setName(i.getName())
                    .build())
        .toList();
  }
}
