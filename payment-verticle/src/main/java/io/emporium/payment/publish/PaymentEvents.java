package io.emporium.payment.publish;

import io.emporium.common.events.Outbox;
import io.emporium.payment.domain.PaymentFact;
import io.emporium.payment.domain.PaymentMismatch;
import io.emporium.proto.events.v1.CheckoutExpired;
import io.emporium.proto.events.v1.PaymentEvent;
import io.emporium.proto.events.v1.PaymentFailed;
import io.emporium.proto.events.v1.PaymentRefunded;
import io.emporium.proto.events.v1.PaymentSucceeded;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.UUID;

/**
 * The payment service's domain events on {@code payment.events}, keyed by order id, written to the
 * {@code payment} outbox.
 */
public final class PaymentEvents {
  public static final String TOPIC = "payment.events";
  private final Outbox outbox = new Outbox("payment");

  /** Announces a fact in the caller's transaction. */
  public Future<Void> announce(SqlConnection tx, PaymentFact fact) {
    UUID eventId = UUID.randomUUID();
    PaymentEvent.Builder event =
        of(fact)
            .setEventId(eventId.toString())
            .setOccurredAt(Instant.now().toString())
            .setOrderId(fact.orderId().toString())
            .setStripeEventId(orEmpty(fact.stripeEventId()));
    return outbox.append(
        tx, TOPIC, fact.orderId().toString(), eventId, typeOf(fact), event.build().toByteArray());
  }

  /**
   * Announces, in the caller's transaction, a payment or refund that was recorded as a mismatch
   * instead of applied.
   */
  public Future<Void> announce(SqlConnection tx, PaymentMismatch m) {
    UUID eventId = UUID.randomUUID();
    PaymentFact f = m.reported();
    PaymentEvent event =
        PaymentEvent.newBuilder()
            .setEventId(eventId.toString())
            .setOccurredAt(Instant.now().toString())
            .setOrderId(f.orderId().toString())
            .setStripeEventId(orEmpty(f.stripeEventId()))
            .setMismatch(of(m))
            .build();
    return outbox.append(
        tx, TOPIC, f.orderId().toString(), eventId, "PaymentMismatch", event.toByteArray());
  }

  static io.emporium.proto.events.v1.PaymentMismatch of(PaymentMismatch m) {
    PaymentFact f = m.reported();
    return io.emporium.proto.events.v1.PaymentMismatch.newBuilder()
        .setReported(m.reportedKind())
        .setPaymentIntentId(orEmpty(f.paymentIntentId()))
        .setSessionId(orEmpty(f.sessionId()))
        .setRefundId(orEmpty(f.refundId()))
        .setAmount(f.amount())
        .setCurrency(orEmpty(f.currency()))
        .setExpectedAmount(m.expectedAmount())
        .setExpectedCurrency(orEmpty(m.expectedCurrency()))
        .addAllMismatched(m.mismatched())
        .build();
  }

  /** The event for a fact, without its envelope. Pure. */
  static PaymentEvent.Builder of(PaymentFact f) {
    String intent = orEmpty(f.paymentIntentId());
    String session = orEmpty(f.sessionId());
    return switch (f.kind()) {
      case SUCCEEDED ->
          PaymentEvent.newBuilder()
              .setSucceeded(
                  PaymentSucceeded.newBuilder()
                      .setPaymentIntentId(intent)
                      .setSessionId(session)
                      .setAmount(f.amount())
                      .setCurrency(f.currency()));
      case FAILED ->
          PaymentEvent.newBuilder()
              .setFailed(
                  PaymentFailed.newBuilder()
                      .setPaymentIntentId(intent)
                      .setSessionId(session)
                      .setAmount(f.amount())
                      .setCurrency(f.currency())
                      .setReason(orEmpty(f.failureReason())));
      case EXPIRED ->
          PaymentEvent.newBuilder().setExpired(CheckoutExpired.newBuilder().setSessionId(session));
      case REFUNDED ->
          PaymentEvent.newBuilder()
              .setRefunded(
                  PaymentRefunded.newBuilder()
                      .setPaymentIntentId(intent)
                      .setRefundId(orEmpty(f.refundId()))
                      .setAmount(f.amount())
                      .setCurrency(f.currency())
                      .setRequested(f.requested()));
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
