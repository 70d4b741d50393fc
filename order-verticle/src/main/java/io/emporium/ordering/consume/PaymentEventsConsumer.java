package io.emporium.ordering.consume;

import io.emporium.common.Ids;
import io.emporium.common.events.EventConsumer;
import io.emporium.ordering.domain.PaymentStatus;
import io.emporium.ordering.saga.OrderPayments;
import io.emporium.proto.events.v1.PaymentEvent;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves orders on what {@code payment.events} reports: a payment succeeded or failed, its session
 * expired, a refund was made, or Stripe took money that does not match the order.
 */
public final class PaymentEventsConsumer implements EventConsumer.EventHandler<PaymentEvent> {
  public static final String TOPIC = "payment.events";
  private static final Logger LOG = LoggerFactory.getLogger(PaymentEventsConsumer.class);
  private final OrderPayments payments;

  public PaymentEventsConsumer(OrderPayments payments) {
    this.payments = payments;
  }

  /** What the topic's consumer runs: each event read, then handled here. */
  public EventConsumer.Handler handler() {
    return EventConsumer.of(PaymentEvent::parseFrom, this);
  }

  /**
   * Runs in the transaction that records the event as processed: it asks for the order move the
   * event calls for.
   */
  @Override
  public Future<Void> apply(SqlConnection tx, UUID eventId, PaymentEvent event) {
    UUID orderId = Ids.parse(event.getOrderId());
    if (orderId == null) {
      LOG.error("skipped payment event {}: its order id is not a UUID", event.getEventId());
      return Future.succeededFuture();
    }
    String requestId = "payment-event-" + event.getEventId();
    return switch (event.getKindCase()) {
      case SUCCEEDED ->
          payments.paid(
              tx,
              orderId,
              event.getSucceeded().getPaymentIntentId(),
              event.getSucceeded().getSessionId(),
              requestId);
      // a declined card ends this checkout: the order is cancelled and its session closed, so it
      // cannot be paid later
      case FAILED ->
          payments.cancel(tx, orderId, PaymentStatus.FAILED, "payment_failed", true, requestId);
      case EXPIRED ->
          payments.cancel(tx, orderId, PaymentStatus.EXPIRED, "expired", false, requestId);
      case REFUNDED ->
          payments.refunded(
              tx,
              orderId,
              event.getRefunded().getPaymentIntentId(),
              event.getRefunded().getRefundId(),
              event.getRefunded().getAmount(),
              event.getRefunded().getRequested());
      // money the order does not expect (the payment service checked it) is given back; a
      // mismatched refund changes nothing
      case MISMATCH ->
          event.getMismatch().getReported().equals("payment")
                  && !event.getMismatch().getPaymentIntentId().isEmpty()
              ? payments.mismatched(
                  tx, orderId, event.getMismatch().getPaymentIntentId(), requestId)
              : Future.succeededFuture();
      default -> Future.succeededFuture();
    };
  }
}
