package io.emporium.payment.events;

import io.emporium.common.events.Outbox;
import io.emporium.payment.domain.PaymentFact;
import io.emporium.proto.events.v1.CheckoutExpired;
import io.emporium.proto.events.v1.PaymentEvent;
import io.emporium.proto.events.v1.PaymentFailed;
import io.emporium.proto.events.v1.PaymentRefunded;
import io.emporium.proto.events.v1.PaymentSucceeded;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.UUID;

/** The payment service's domain events on {@code payment.events}, keyed by order id, written to the {@code payment} outbox. */
public final class PaymentEvents {
  public static final String TOPIC = "payment.events";
  private final Outbox outbox = new Outbox("payment");

  /** Announces a fact in the caller's transaction. */
  public Future<Void> announce(SqlConnection tx, PaymentFact fact) {
    UUID eventId = UUID.randomUUID();
    PaymentEvent.Builder event = of(fact).setEventId(eventId.toString()).setOccurredAt(Instant.now().toString())
        .setOrderId(fact.orderId().toString()).setStripeEventId(orEmpty(fact.stripeEventId()));
    return outbox.append(tx, TOPIC, fact.orderId().toString(), eventId, typeOf(fact), event.build().toByteArray());
  }

  /** The event for a fact, without its envelope. Pure. */
  static PaymentEvent.Builder of(PaymentFact f) {
    String intent = orEmpty(f.paymentIntentId());
    String session = orEmpty(f.sessionId());
    return switch (f.kind()) {
      case SUCCEEDED -> PaymentEvent.newBuilder().setSucceeded(PaymentSucceeded.newBuilder().setPaymentIntentId(intent).setSessionId(session)
          .setAmount(f.amount()).setCurrency(f.currency()));
      case FAILED -> PaymentEvent.newBuilder().setFailed(PaymentFailed.newBuilder().setPaymentIntentId(intent).setSessionId(session)
          .setAmount(f.amount()).setCurrency(f.currency()).setReason(orEmpty(f.failureReason())));
      case EXPIRED -> PaymentEvent.newBuilder().setExpired(CheckoutExpired.newBuilder().setSessionId(session));
      case REFUNDED -> PaymentEvent.newBuilder().setRefunded(PaymentRefunded.newBuilder().setPaymentIntentId(intent)
          .setRefundId(orEmpty(f.refundId())).setAmount(f.amount()).setCurrency(f.currency()));
    };
  }

  private static String typeOf(PaymentFact f) {
    return switch (f.kind()) {
      case SUCCEEDED -> "PaymentSucceeded";
      case FAILED -> "PaymentFailed";
      case EXPIRED -> "CheckoutExpired";
      case REFUNDED -> "PaymentRefunded";
    };
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
