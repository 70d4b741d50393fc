package io.emporium.payment.client;

import io.emporium.common.Ids;
import io.emporium.payment.client.PaymentProvider.CheckoutState;
import io.emporium.payment.domain.PaymentFact;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/**
 * What PayPal's JSON (an Orders v2 order, a capture, a refund, their webhook events) means for an
 * order's payment. The PayPal order is the checkout (the ledger's session), its capture the payment
 * (the ledger's intent). Pure.
 */
public final class PayPalFacts {
  public static final String ORDER_APPROVED = "CHECKOUT.ORDER.APPROVED";
  public static final String CAPTURE_COMPLETED = "PAYMENT.CAPTURE.COMPLETED";
  public static final String CAPTURE_DENIED = "PAYMENT.CAPTURE.DENIED";
  public static final String CAPTURE_REFUNDED = "PAYMENT.CAPTURE.REFUNDED";

  /**
   * The prefix of the {@code invoice_id} on a refund this platform asked for: PayPal gives it back
   * on the refund, so its webhook tells it apart from one made elsewhere, such as PayPal's site.
   */
  public static final String OUR_REFUND = "emporium-refund-";

  static final String DECLINED = "The PayPal payment was declined.";

  private PayPalFacts() {}

  /**
   * A PayPal order as a checkout: paid by a completed capture, pending while a capture is under
   * review, failed by a declined one, expired when voided, else open.
   */
  public static CheckoutState ofOrder(JsonObject order, String eventId) {
    String checkoutId = order.getString("id");
    JsonObject unit = firstUnit(order);
    UUID orderId = orderOf(unit);
    JsonObject amount = unit.getJsonObject("amount", new JsonObject());
    String currency = currencyOf(amount);
    Long asked = minorOf(amount);
    JsonArray captures =
        unit.getJsonObject("payments", new JsonObject()).getJsonArray("captures", new JsonArray());
    JsonObject declined = null;
    boolean underReview = false;
    for (int i = 0; i < captures.size(); i++) {
      JsonObject capture = captures.getJsonObject(i);
      String status = capture.getString("status", "");
      if (status.equals("COMPLETED")
          || status.equals("PARTIALLY_REFUNDED")
          || status.equals("REFUNDED")) {
        PaymentFact paid =
            captureFact(capture, orderId, checkoutId, PaymentFact.Kind.SUCCEEDED, eventId);
        return new CheckoutState(
            orderId,
            checkoutId,
            CheckoutState.PAID,
            paid == null ? null : paid.paymentIntentId(),
            paid == null ? 0 : paid.amount(),
            paid == null ? currency : paid.currency(),
            paid == null || orderId == null ? List.of() : List.of(paid));
      }
      if (status.equals("DECLINED") || status.equals("FAILED")) {
        declined = capture;
      }
      underReview |= status.equals("PENDING");
    }
    if (underReview) {
      return new CheckoutState(
          orderId,
          checkoutId,
          CheckoutState.PENDING,
          null,
          asked == null ? 0 : asked,
          currency,
          List.of());
    }
    if (declined != null) {
      PaymentFact failed =
          captureFact(declined, orderId, checkoutId, PaymentFact.Kind.FAILED, eventId);
      return new CheckoutState(
          orderId,
          checkoutId,
          CheckoutState.FAILED,
          null,
          asked == null ? 0 : asked,
          currency,
          failed == null || orderId == null ? List.of() : List.of(failed));
    }
    if ("VOIDED".equals(order.getString("status"))) {
      return expired(orderId, checkoutId, asked == null ? 0 : asked, currency, eventId);
    }
    return new CheckoutState(
        orderId,
        checkoutId,
        CheckoutState.OPEN,
        null,
        asked == null ? 0 : asked,
        currency,
        List.of());
  }

  /**
   * The order's checkout closed by the platform (PayPal cannot void an order): it expired, and is
   * never captured afterwards.
   */
  public static CheckoutState expired(
      UUID orderId, String checkoutId, long amount, String currency, String eventId) {
    List<PaymentFact> facts =
        orderId == null || currency == null
            ? List.of()
            : List.of(
                new PaymentFact(
                    PaymentFact.Kind.EXPIRED,
                    orderId,
                    amount,
                    currency,
                    checkoutId,
                    null,
                    null,
                    null,
                    eventId));
    return new CheckoutState(
        orderId, checkoutId, CheckoutState.EXPIRED, null, amount, currency, facts);
  }

  /** A capture declined when asked for (PayPal's 422 {@code INSTRUMENT_DECLINED}). */
  public static CheckoutState declined(
      UUID orderId, String checkoutId, long amount, String currency, String eventId) {
    List<PaymentFact> facts =
        orderId == null || currency == null
            ? List.of()
            : List.of(
                new PaymentFact(
                    PaymentFact.Kind.FAILED,
                    orderId,
                    amount,
                    currency,
                    checkoutId,
                    null,
                    null,
                    DECLINED,
                    eventId));
    return new CheckoutState(
        orderId, checkoutId, CheckoutState.FAILED, null, amount, currency, facts);
  }

  /**
   * The facts of a capture's event: {@code PAYMENT.CAPTURE.COMPLETED} paid, {@code DENIED} failed;
   * {@code checkoutId} is the PayPal order it belongs to. Nothing for another type or a capture
   * that names no order of ours.
   */
  public static List<PaymentFact> ofCaptureEvent(JsonObject event, String checkoutId) {
    JsonObject capture = resource(event);
    PaymentFact.Kind kind =
        switch (event.getString("event_type", "")) {
          case CAPTURE_COMPLETED -> PaymentFact.Kind.SUCCEEDED;
          case CAPTURE_DENIED -> PaymentFact.Kind.FAILED;
          default -> null;
        };
    UUID orderId = Ids.parse(capture.getString("custom_id"));
    if (kind == null || orderId == null) {
      return List.of();
    }
    PaymentFact fact = captureFact(capture, orderId, checkoutId, kind, event.getString("id"));
    return fact == null ? List.of() : List.of(fact);
  }

  /**
   * The fact of a refund's event ({@code PAYMENT.CAPTURE.REFUNDED}) for {@code orderId}: requested
   * when its {@code invoice_id} is one of ours. Nothing when it names no capture or no amount.
   */
  public static List<PaymentFact> ofRefundEvent(JsonObject event, UUID orderId) {
    JsonObject refund = resource(event);
    String captureId = captureOfRefund(refund);
    JsonObject amount = refund.getJsonObject("amount", new JsonObject());
    Long minor = minorOf(amount);
    String status = refund.getString("status", "COMPLETED");
    if (orderId == null
        || captureId == null
        || minor == null
        || !(status.equals("COMPLETED") || status.equals("PENDING"))) {
      return List.of();
    }
    return List.of(
        new PaymentFact(
            PaymentFact.Kind.REFUNDED,
            orderId,
            minor,
            currencyOf(amount),
            null,
            captureId,
            refund.getString("id"),
            null,
            event.getString("id"),
            requested(refund)));
  }

  /** The refund as this platform's own act, from PayPal's answer to its refund request. */
  public static PaymentFact ofOwnRefund(
      JsonObject refund, UUID orderId, String captureId, long asked, String currency) {
    JsonObject amount = refund.getJsonObject("amount");
    Long minor = amount == null ? null : minorOf(amount);
    return new PaymentFact(
        PaymentFact.Kind.REFUNDED,
        orderId,
        minor == null ? asked : minor,
        amount == null ? currency : currencyOf(amount),
        null,
        captureId,
        refund.getString("id"),
        null,
        null,
        true);
  }

  /** The order a PayPal order was made for: its purchase unit's {@code custom_id}. */
  public static UUID orderOf(JsonObject unit) {
    UUID orderId = Ids.parse(unit.getString("custom_id"));
    return orderId != null ? orderId : Ids.parse(unit.getString("reference_id"));
  }

  /** The PayPal order an event's resource is ({@code CHECKOUT.ORDER.*}). */
  public static String checkoutOf(JsonObject event) {
    return resource(event).getString("id");
  }

  /** The order a capture's event names in its {@code custom_id}, or null. */
  public static UUID orderOfCapture(JsonObject event) {
    return Ids.parse(resource(event).getString("custom_id"));
  }

  /** The same facts as learned from the event {@code eventId}. */
  public static List<PaymentFact> withEvent(List<PaymentFact> facts, String eventId) {
    return facts.stream()
        .map(
            f ->
                new PaymentFact(
                    f.kind(),
                    f.orderId(),
                    f.amount(),
                    f.currency(),
                    f.sessionId(),
                    f.paymentIntentId(),
                    f.refundId(),
                    f.failureReason(),
                    eventId,
                    f.requested()))
        .toList();
  }

  /** The order a refund names in its {@code custom_id} (ours carry it), or null. */
  public static UUID orderOfRefund(JsonObject event) {
    return Ids.parse(resource(event).getString("custom_id"));
  }

  /** The PayPal order a capture belongs to ({@code supplementary_data.related_ids}), or null. */
  public static String checkoutOfCapture(JsonObject event) {
    return resource(event)
        .getJsonObject("supplementary_data", new JsonObject())
        .getJsonObject("related_ids", new JsonObject())
        .getString("order_id");
  }

  /** The capture a refund gives money back from: its {@code up} link's last segment. */
  public static String captureOfRefund(JsonObject refund) {
    JsonArray links = refund.getJsonArray("links", new JsonArray());
    for (int i = 0; i < links.size(); i++) {
      JsonObject link = links.getJsonObject(i);
      String href = link.getString("href", "");
      if ("up".equals(link.getString("rel")) && href.contains("/captures/")) {
        String tail = href.substring(href.indexOf("/captures/") + "/captures/".length());
        int end = tail.indexOf('/');
        return end < 0 ? tail : tail.substring(0, end);
      }
    }
    return null;
  }

  /** The link a buyer approves the order at ({@code payer-action}, or {@code approve}). */
  public static String approveUrl(JsonObject order) {
    JsonArray links = order.getJsonArray("links", new JsonArray());
    String approve = null;
    for (int i = 0; i < links.size(); i++) {
      JsonObject link = links.getJsonObject(i);
      if ("payer-action".equals(link.getString("rel"))) {
        return link.getString("href");
      }
      if ("approve".equals(link.getString("rel"))) {
        approve = link.getString("href");
      }
    }
    return approve;
  }

  public static JsonObject resource(JsonObject event) {
    return event.getJsonObject("resource", new JsonObject());
  }

  private static boolean requested(JsonObject refund) {
    String invoice = refund.getString("invoice_id");
    return invoice != null && invoice.startsWith(OUR_REFUND);
  }

  private static PaymentFact captureFact(
      JsonObject capture, UUID orderId, String checkoutId, PaymentFact.Kind kind, String eventId) {
    JsonObject amount = capture.getJsonObject("amount", new JsonObject());
    Long minor = minorOf(amount);
    if (orderId == null || minor == null) {
      return null;
    }
    return new PaymentFact(
        kind,
        orderId,
        minor,
        currencyOf(amount),
        checkoutId,
        capture.getString("id"),
        null,
        kind == PaymentFact.Kind.FAILED ? DECLINED : null,
        eventId);
  }

  private static JsonObject firstUnit(JsonObject order) {
    JsonArray units = order.getJsonArray("purchase_units", new JsonArray());
    return units.isEmpty() ? new JsonObject() : units.getJsonObject(0);
  }

  private static String currencyOf(JsonObject amount) {
    String code = amount.getString("currency_code");
    return code == null ? null : PayPalAmounts.currency(code);
  }

  private static Long minorOf(JsonObject amount) {
    return PayPalAmounts.toMinor(amount.getString("value"), amount.getString("currency_code"));
  }
}
