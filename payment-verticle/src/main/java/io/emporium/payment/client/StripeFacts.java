package io.emporium.payment.client;

import io.emporium.common.Ids;
import io.emporium.payment.domain.PaymentFact;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What a Stripe event or a re-read Checkout Session means for an order's payment. Pure: the objects
 * come in as Stripe's JSON; an event of another type, or about an object that names no order, means
 * nothing.
 */
public final class StripeFacts {
  public static final String SESSION_COMPLETED = "checkout.session.completed";
  public static final String SESSION_EXPIRED = "checkout.session.expired";
  public static final String INTENT_SUCCEEDED = "payment_intent.succeeded";
  public static final String INTENT_FAILED = "payment_intent.payment_failed";
  public static final String CHARGE_REFUNDED = "charge.refunded";

  /**
   * The metadata key, and its value, on a refund this platform asked for; Stripe gives metadata
   * back on the refund, so the refund's webhook tells it apart from one made elsewhere, such as
   * Stripe's dashboard.
   */
  public static final String REQUESTED_BY = "requested_by";

  public static final String PLATFORM = "emporium";

  /** Refunds that moved money back, or will: a failed or canceled one did not. */
  private static final Set<String> REFUNDING = Set.of("succeeded", "pending", "requires_action");

  private StripeFacts() {}

  /**
   * The facts of a Stripe event ({@code charge.refunded} needs its charge's {@code refunds} list
   * filled in).
   */
  public static List<PaymentFact> ofEvent(JsonObject event) {
    String eventId = event.getString("id");
    JsonObject object =
        event.getJsonObject("data", new JsonObject()).getJsonObject("object", new JsonObject());
    return switch (event.getString("type", "")) {
      case SESSION_COMPLETED, SESSION_EXPIRED -> ofSession(object, eventId);
      case INTENT_SUCCEEDED -> ofIntent(object, PaymentFact.Kind.SUCCEEDED, eventId);
      case INTENT_FAILED -> ofIntent(object, PaymentFact.Kind.FAILED, eventId);
      case CHARGE_REFUNDED -> ofRefundedCharge(object, eventId);
      default -> List.of();
    };
  }

  /**
   * A Checkout Session that is paid or expired, as its webhook would record it; nothing while it is
   * open.
   */
  public static List<PaymentFact> ofSession(JsonObject session, String eventId) {
    UUID orderId = orderOf(session);
    if (orderId == null) {
      return List.of();
    }
    long amount = session.getLong("amount_total", 0L);
    String currency = session.getString("currency");
    String sessionId = session.getString("id");
    String intentId = session.getString("payment_intent");
    if ("complete".equals(session.getString("status"))
        && "paid".equals(session.getString("payment_status"))) {
      return List.of(
          new PaymentFact(
              PaymentFact.Kind.SUCCEEDED,
              orderId,
              amount,
              currency,
              sessionId,
              intentId,
              null,
              null,
              eventId));
    }
    if ("expired".equals(session.getString("status"))) {
      return List.of(
          new PaymentFact(
              PaymentFact.Kind.EXPIRED,
              orderId,
              amount,
              currency,
              sessionId,
              intentId,
              null,
              null,
              eventId));
    }
    return List.of();
  }

  private static List<PaymentFact> ofIntent(
      JsonObject intent, PaymentFact.Kind kind, String eventId) {
    UUID orderId = orderOf(intent);
    if (orderId == null) {
      return List.of();
    }
    long amount =
        kind == PaymentFact.Kind.SUCCEEDED
            ? intent.getLong("amount_received", intent.getLong("amount", 0L))
            : intent.getLong("amount", 0L);
    JsonObject error = intent.getJsonObject("last_payment_error");
    String reason =
        kind == PaymentFact.Kind.FAILED
            ? (error == null
                ? "The payment failed."
                : error.getString("message", "The payment failed."))
            : null;
    return List.of(
        new PaymentFact(
            kind,
            orderId,
            amount,
            intent.getString("currency"),
            null,
            intent.getString("id"),
            null,
            reason,
            eventId));
  }

  private static List<PaymentFact> ofRefundedCharge(JsonObject charge, String eventId) {
    UUID orderId = orderOf(charge);
    JsonObject refunds = charge.getJsonObject("refunds");
    if (orderId == null || refunds == null) {
      return List.of();
    }
    List<PaymentFact> facts = new ArrayList<>();
    JsonArray data = refunds.getJsonArray("data", new JsonArray());
    for (int i = 0; i < data.size(); i++) {
      JsonObject refund = data.getJsonObject(i);
      if (REFUNDING.contains(refund.getString("status", "succeeded"))) {
        facts.add(
            new PaymentFact(
                PaymentFact.Kind.REFUNDED,
                orderId,
                refund.getLong("amount", 0L),
                refund.getString("currency", charge.getString("currency")),
                null,
                charge.getString("payment_intent"),
                refund.getString("id"),
                null,
                eventId,
                requested(refund)));
      }
    }
    return facts;
  }

  private static boolean requested(JsonObject refund) {
    JsonObject metadata = refund.getJsonObject("metadata");
    return metadata != null && PLATFORM.equals(metadata.getString(REQUESTED_BY));
  }

  /**
   * The order an object was made for: its {@code metadata.order_id}, or a session's {@code
   * client_reference_id}.
   */
  public static UUID orderOf(JsonObject object) {
    JsonObject metadata = object.getJsonObject("metadata");
    UUID orderId = metadata == null ? null : Ids.parse(metadata.getString("order_id"));
    return orderId != null ? orderId : Ids.parse(object.getString("client_reference_id"));
  }
}
