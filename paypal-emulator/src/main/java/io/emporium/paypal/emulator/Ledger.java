package io.emporium.paypal.emulator;

import io.emporium.emulator.StateJournal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The merchant's PayPal account: orders, their captures and refunds, and what each operation on
 * them does. Every change is added to the journal and its webhook made; the caller commits.
 * Confined to the emulator's event loop.
 */
final class Ledger {
  private static final int MAX_PURCHASE_UNITS = 10;

  private final Map<String, Order> orders = new LinkedHashMap<>();
  private final Map<String, Capture> captures = new LinkedHashMap<>();
  private final Map<String, Refund> refunds = new LinkedHashMap<>();

  /**
   * Client and {@code invoice_id} to the capture that paid it: PayPal's default account setting
   * refuses a second payment of one invoice.
   */
  private final Map<String, String> paidInvoices = new HashMap<>();

  /** Captures under review, completed by {@link #completeReviewedCaptures}. */
  private final Set<String> pendingCaptures = new LinkedHashSet<>();

  private final int capacity;
  private final Clock clock;
  private final StateJournal journal;
  private final WebhookEvents events;

  Ledger(int capacity, Clock clock, StateJournal journal, WebhookEvents events) {
    this.capacity = capacity;
    this.clock = clock;
    this.journal = journal;
    this.events = events;
  }

  // --- lookups ---

  Order order(String clientId, String id) {
    Order order = orders.get(id);
    if (order == null || !order.clientId.equals(clientId)) {
      throw PayPalError.notFound("order_id", id, "orders/v2");
    }
    return order;
  }

  /** An order for the approval page, whoever created it; null when unknown. */
  Order findOrder(String id) {
    return orders.get(id);
  }

  Capture capture(String clientId, String id) {
    Capture capture = captures.get(id);
    if (capture == null || !capture.clientId.equals(clientId)) {
      throw PayPalError.notFound("capture_id", id, "payments/v2");
    }
    return capture;
  }

  Refund refund(String clientId, String id) {
    Refund refund = refunds.get(id);
    if (refund == null || !refund.clientId.equals(clientId)) {
      throw PayPalError.notFound("refund_id", id, "payments/v2");
    }
    return refund;
  }

  List<Capture> capturesOf(Order order) {
    List<Capture> found = new ArrayList<>();
    for (String id : order.captureIds) {
      Capture capture = captures.get(id);
      if (capture != null) {
        found.add(capture);
      }
    }
    return found;
  }

  JsonObject orderJson(Order order, String baseUrl) {
    return order.toJson(baseUrl, capturesOf(order));
  }

  // --- create ---

  Order create(String clientId, JsonObject body) {
    Object intentValue = body.getValue("intent");
    if (intentValue == null) {
      throw PayPalError.missing("/intent");
    }
    if (!"CAPTURE".equals(intentValue)) {
      // AUTHORIZE is not emulated
      throw PayPalError.invalidValue(
          "/intent", String.valueOf(intentValue), "INVALID_PARAMETER_VALUE");
    }
    Object unitsValue = body.getValue("purchase_units");
    if (unitsValue == null) {
      throw PayPalError.missing("/purchase_units");
    }
    if (!(unitsValue instanceof JsonArray units)
        || units.isEmpty()
        || units.size() > MAX_PURCHASE_UNITS) {
      throw PayPalError.invalidValue(
          "/purchase_units", String.valueOf(unitsValue), "INVALID_ARRAY_MAX_ITEMS");
    }
    JsonArray kept = new JsonArray();
    List<Money> amounts = new ArrayList<>();
    Set<String> references = new HashSet<>();
    for (int i = 0; i < units.size(); i++) {
      String at = "/purchase_units/" + i;
      if (!(units.getValue(i) instanceof JsonObject unit)) {
        throw PayPalError.invalidValue(
            at, String.valueOf(units.getValue(i)), "INVALID_PARAMETER_SYNTAX");
      }
      Object amountValue = unit.getValue("amount");
      if (amountValue != null && !(amountValue instanceof JsonObject)) {
        throw PayPalError.invalidValue(
            at + "/amount", String.valueOf(amountValue), "INVALID_PARAMETER_SYNTAX");
      }
      Money amount = Money.parse((JsonObject) amountValue, at + "/amount");
      if (!amounts.isEmpty() && !amounts.get(0).currency().equals(amount.currency())) {
        throw PayPalError.unprocessable(
            "CURRENCY_MISMATCH",
            "Currency code should be same for all purchase units.",
            at + "/amount/currency_code",
            amount.currency());
      }
      String reference = text(unit, "reference_id", at, 256);
      if (reference == null) {
        if (units.size() > 1) {
          throw PayPalError.missing(at + "/reference_id");
        }
        reference = "default";
      }
      if (!references.add(reference)) {
        throw PayPalError.unprocessable(
            "DUPLICATE_REFERENCE_ID",
            "`reference_id` must be unique if multiple `purchase_unit` are provided.",
            at + "/reference_id",
            reference);
      }
      for (String field : List.of("custom_id", "invoice_id")) {
        text(unit, field, at, 127);
      }
      text(unit, "description", at, 127);
      text(unit, "soft_descriptor", at, 22);
      JsonObject copy = unit.copy();
      copy.put("reference_id", reference);
      copy.put("amount", amountJson(unit.getJsonObject("amount"), amount));
      if (!copy.containsKey("payee")) {
        copy.put("payee", Capture.payee());
      }
      kept.add(reordered(copy));
      amounts.add(amount);
    }
    String returnUrl = null;
    String cancelUrl = null;
    boolean paymentSourcePaypal = false;
    Object source = body.getValue("payment_source");
    if (source instanceof JsonObject ps && ps.getValue("paypal") instanceof JsonObject paypal) {
      paymentSourcePaypal = true;
      if (paypal.getValue("experience_context") instanceof JsonObject context) {
        returnUrl = url(context, "return_url", "/payment_source/paypal/experience_context");
        cancelUrl = url(context, "cancel_url", "/payment_source/paypal/experience_context");
      }
    } else if (source != null && !(source instanceof JsonObject)) {
      throw PayPalError.invalidValue(
          "/payment_source", String.valueOf(source), "INVALID_PARAMETER_SYNTAX");
    }
    if (body.getValue("application_context") instanceof JsonObject context) {
      String legacyReturn = url(context, "return_url", "/application_context");
      String legacyCancel = url(context, "cancel_url", "/application_context");
      returnUrl = returnUrl == null ? legacyReturn : returnUrl;
      cancelUrl = cancelUrl == null ? legacyCancel : cancelUrl;
    }
    String id = PayPalIds.next();
    Order order =
        new Order(
            id,
            clientId,
            "CAPTURE",
            kept,
            amounts,
            returnUrl,
            cancelUrl,
            paymentSourcePaypal,
            clock.instant(),
            paymentSourcePaypal ? Order.Status.PAYER_ACTION_REQUIRED : Order.Status.CREATED);
    put(orders, id, order);
    journal.add(order.toRecord());
    return order;
  }

  /** {@code reference_id} and {@code amount} first, as PayPal shows a purchase unit. */
  private static JsonObject reordered(JsonObject unit) {
    JsonObject ordered = new JsonObject();
    ordered.put("reference_id", unit.getValue("reference_id"));
    ordered.put("amount", unit.getValue("amount"));
    unit.forEach(e -> ordered.put(e.getKey(), e.getValue()));
    return ordered;
  }

  /** The amount as given, its value normalized to the currency's decimals. */
  private static JsonObject amountJson(JsonObject given, Money amount) {
    JsonObject copy = given.copy();
    copy.put("currency_code", amount.currency()).put("value", amount.value());
    return copy;
  }

  private static String text(JsonObject object, String field, String at, int maxLength) {
    Object value = object.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text) || text.isEmpty() || text.length() > maxLength) {
      throw PayPalError.invalidValue(
          at + "/" + field, String.valueOf(value), "INVALID_STRING_LENGTH");
    }
    return text;
  }

  private static String url(JsonObject object, String field, String at) {
    String value = text(object, field, at, 4000);
    if (value == null) {
      return null;
    }
    String lower = value.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      throw PayPalError.invalidValue(at + "/" + field, value, "INVALID_PARAMETER_SYNTAX");
    }
    return value;
  }

  // --- the approval page ---

  /** The payer approves: the order is APPROVED and CHECKOUT.ORDER.APPROVED is sent. */
  void approve(Order order, TestPayers.Payer payer, String baseUrl) {
    order.payer = payer;
    order.status = Order.Status.APPROVED;
    order.updateTime = clock.instant();
    journal.add(order.toRecord());
    events.emit(
        baseUrl,
        "CHECKOUT.ORDER.APPROVED",
        "checkout-order",
        "An order has been approved by buyer",
        order.id,
        orderJson(order, baseUrl));
  }

  // --- capture ---

  /** Captures an approved order; refused as PayPal refuses it otherwise. */
  Order capture(String clientId, String id, String baseUrl) {
    Order order = order(clientId, id);
    if (order.status == Order.Status.COMPLETED) {
      throw PayPalError.unprocessable(
          "ORDER_ALREADY_CAPTURED",
          "Order already captured.If 'intent=CAPTURE' only one capture per order is allowed.",
          null,
          null);
    }
    if (order.awaitingPayer()) {
      throw PayPalError.unprocessable(
          "ORDER_NOT_APPROVED",
          "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url returned as part of the HATEOAS links within the Create Order call or provide a valid payment_source in the request.",
          null,
          null);
    }
    for (int i = 0; i < order.purchaseUnits.size(); i++) {
      String invoiceId = order.purchaseUnits.getJsonObject(i).getString("invoice_id");
      if (invoiceId != null && paid(clientId, invoiceId)) {
        throw PayPalError.unprocessable(
            "DUPLICATE_INVOICE_ID",
            "Duplicate Invoice ID detected. To avoid a potential duplicate transaction your account setting requires that Invoice Id be unique for each transaction.",
            null,
            null);
      }
    }
    Instant now = clock.instant();
    if (order.payer.outcome() == TestPayers.Outcome.INSTRUMENT_DECLINED) {
      // the payer has to choose another funding source: back to the approval page
      order.status = order.unapproved();
      order.payer = null;
      order.updateTime = now;
      journal.add(order.toRecord());
      throw PayPalError.unprocessable(
          "INSTRUMENT_DECLINED",
          "The instrument presented  was either declined by the processor or bank, or it can't be used for this payment.",
          null,
          null,
          "orders/v2",
          new JsonArray().add(Order.link(Order.approveUrl(baseUrl, id), "redirect", "GET")));
    }
    boolean denied = order.payer.outcome() == TestPayers.Outcome.CAPTURE_DENIED;
    boolean pending = order.payer.outcome() == TestPayers.Outcome.CAPTURE_PENDING;
    for (int i = 0; i < order.purchaseUnits.size(); i++) {
      JsonObject unit = order.purchaseUnits.getJsonObject(i);
      Money amount = order.amounts.get(i);
      Capture capture =
          new Capture(
              PayPalIds.next(),
              order.id,
              clientId,
              unit.getString("reference_id"),
              amount,
              Capture.feeFor(amount),
              unit.getString("custom_id"),
              unit.getString("invoice_id"),
              now,
              denied
                  ? Capture.Status.DECLINED
                  : pending ? Capture.Status.PENDING : Capture.Status.COMPLETED);
      put(captures, capture.id, capture);
      notePaidInvoice(capture);
      if (pending) {
        pendingCaptures.add(capture.id);
      }
      order.captureIds.add(capture.id);
      journal.add(capture.toRecord());
      events.emit(
          baseUrl,
          denied
              ? "PAYMENT.CAPTURE.DENIED"
              : pending ? "PAYMENT.CAPTURE.PENDING" : "PAYMENT.CAPTURE.COMPLETED",
          "capture",
          (denied
                  ? "Payment denied for "
                  : pending ? "Payment pending for " : "Payment completed for ")
              + display(amount),
          order.id,
          capture.toJson(baseUrl, true));
    }
    order.status = Order.Status.COMPLETED;
    order.updateTime = now;
    journal.add(order.toRecord());
    return order;
  }

  /**
   * Completes the captures under review for {@code review} or longer: COMPLETED, and
   * PAYMENT.CAPTURE.COMPLETED sent.
   */
  void completeReviewedCaptures(Instant now, Duration review, String baseUrl) {
    Iterator<String> it = pendingCaptures.iterator();
    while (it.hasNext()) {
      Capture capture = captures.get(it.next());
      if (capture == null || capture.status != Capture.Status.PENDING) {
        it.remove();
      } else if (!capture.createTime.plus(review).isAfter(now)) {
        it.remove();
        capture.status = Capture.Status.COMPLETED;
        capture.updateTime = now;
        journal.add(capture.toRecord());
        events.emit(
            baseUrl,
            "PAYMENT.CAPTURE.COMPLETED",
            "capture",
            "Payment completed for " + display(capture.amount),
            capture.orderId,
            capture.toJson(baseUrl, true));
      }
    }
  }

  private boolean paid(String clientId, String invoiceId) {
    Capture capture = captures.get(paidInvoices.get(clientId + "\n" + invoiceId));
    return capture != null && capture.status != Capture.Status.DECLINED;
  }

  private void notePaidInvoice(Capture capture) {
    if (capture.invoiceId != null && capture.status != Capture.Status.DECLINED) {
      paidInvoices.put(capture.clientId + "\n" + capture.invoiceId, capture.id);
    }
  }

  private static String display(Money amount) {
    return (amount.currency().equals("USD") ? "$ " : "") + amount.value() + " " + amount.currency();
  }

  // --- refunds ---

  Refund refund(String clientId, String captureId, JsonObject body, String baseUrl) {
    Capture capture = capture(clientId, captureId);
    Money amount;
    Object amountValue = body.getValue("amount");
    if (amountValue == null) {
      amount = capture.amount.withMinor(capture.refundableMinor());
    } else if (amountValue instanceof JsonObject given) {
      amount = Money.parse(given, "/amount");
    } else {
      throw PayPalError.invalidValue(
          "/amount", String.valueOf(amountValue), "INVALID_PARAMETER_SYNTAX");
    }
    String invoiceId = text(body, "invoice_id", "", 127);
    String customId = text(body, "custom_id", "", 127);
    String note = text(body, "note_to_payer", "", 255);
    if (capture.status == Capture.Status.DECLINED || capture.status == Capture.Status.PENDING) {
      throw PayPalError.unprocessable(
          "CAPTURE_STATUS_NOT_VALID",
          "A refund cannot be made for a capture that has not completed.",
          null,
          null,
          "payments/v2",
          new JsonArray());
    }
    if (capture.refundableMinor() == 0) {
      throw PayPalError.unprocessable(
          "CAPTURE_FULLY_REFUNDED",
          "The capture has already been fully refunded.",
          null,
          null,
          "payments/v2",
          new JsonArray());
    }
    if (!amount.currency().equals(capture.amount.currency())) {
      throw PayPalError.unprocessable(
          "CURRENCY_MISMATCH",
          "Refund must be in the same currency as the capture.",
          "/amount/currency_code",
          amount.currency(),
          "payments/v2",
          new JsonArray());
    }
    if (amount.minor() > capture.refundableMinor()) {
      throw PayPalError.unprocessable(
          "REFUND_AMOUNT_EXCEEDED",
          "The refund amount must be less than or equal to the capture amount that has not yet been refunded.",
          "/amount/value",
          amount.value(),
          "payments/v2",
          new JsonArray());
    }
    Instant now = clock.instant();
    capture.refundedMinor += amount.minor();
    capture.status =
        capture.refundableMinor() == 0
            ? Capture.Status.REFUNDED
            : Capture.Status.PARTIALLY_REFUNDED;
    capture.updateTime = now;
    // the percentage part of the fee comes back in proportion; the fixed part does not
    long feeBack = Math.min(Math.round(amount.minor() * 0.0349), Math.max(0, capture.fee.minor()));
    Refund refund =
        new Refund(
            PayPalIds.next(),
            capture.id,
            capture.orderId,
            clientId,
            amount,
            amount.withMinor(feeBack),
            amount.withMinor(capture.refundedMinor),
            invoiceId,
            customId,
            note,
            now);
    put(refunds, refund.id, refund);
    journal.add(capture.toRecord());
    journal.add(refund.toRecord());
    events.emit(
        baseUrl,
        "PAYMENT.CAPTURE.REFUNDED",
        "refund",
        "A " + display(amount) + " capture payment was refunded",
        capture.orderId,
        refund.toJson(baseUrl));
    return refund;
  }

  // --- restore and retention ---

  boolean restore(JsonObject record) {
    switch (record.getString("kind")) {
      case "order" -> {
        Order order = Order.fromRecord(record);
        orders.put(order.id, order);
        return true;
      }
      case "capture" -> {
        Capture capture = Capture.fromRecord(record);
        captures.put(capture.id, capture);
        notePaidInvoice(capture);
        if (capture.status == Capture.Status.PENDING) {
          pendingCaptures.add(capture.id);
        }
        return true;
      }
      case "refund" -> {
        Refund refund = Refund.fromRecord(record);
        refunds.put(refund.id, refund);
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  void forgetCreatedBefore(long cutoff) {
    orders.values().removeIf(o -> o.createTime.getEpochSecond() < cutoff);
    captures.values().removeIf(c -> c.createTime.getEpochSecond() < cutoff);
    refunds.values().removeIf(r -> r.createTime.getEpochSecond() < cutoff);
    paidInvoices.values().removeIf(id -> !captures.containsKey(id));
  }

  private <V> void put(Map<String, V> map, String id, V value) {
    map.put(id, value);
    if (map.size() > capacity) {
      Iterator<V> oldest = map.values().iterator();
      oldest.next();
      oldest.remove();
    }
  }
}
