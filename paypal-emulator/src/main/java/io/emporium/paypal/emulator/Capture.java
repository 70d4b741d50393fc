package io.emporium.paypal.emulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A capture of one purchase unit. Confined to the emulator's event loop. */
final class Capture {
  enum Status {
    COMPLETED,
    DECLINED,
    PENDING,
    PARTIALLY_REFUNDED,
    REFUNDED
  }

  static final String MERCHANT_ID = "EMULATORMERCH";
  static final String MERCHANT_EMAIL = "merchant@paypal.test";

  final String id;
  final String orderId;
  final String clientId;
  final String referenceId;
  final Money amount;
  final Money fee;
  final String customId;
  final String invoiceId;
  final Instant createTime;
  Status status;
  Instant updateTime;
  long refundedMinor;

  Capture(
      String id,
      String orderId,
      String clientId,
      String referenceId,
      Money amount,
      Money fee,
      String customId,
      String invoiceId,
      Instant createTime,
      Status status) {
    this.id = id;
    this.orderId = orderId;
    this.clientId = clientId;
    this.referenceId = referenceId;
    this.amount = amount;
    this.fee = fee;
    this.customId = customId;
    this.invoiceId = invoiceId;
    this.createTime = createTime;
    this.status = status;
    this.updateTime = createTime;
  }

  /** PayPal's standard fee, 3.49 % plus a fixed part, never more than the amount. */
  static Money feeFor(Money amount) {
    int decimals = Money.CURRENCIES.get(amount.currency());
    long fixed = decimals == 0 ? 40 : 49;
    long fee = Math.round(amount.minor() * 0.0349) + fixed;
    return amount.withMinor(Math.min(fee, amount.minor()));
  }

  long refundableMinor() {
    return amount.minor() - refundedMinor;
  }

  static JsonObject payee() {
    return new JsonObject().put("email_address", MERCHANT_EMAIL).put("merchant_id", MERCHANT_ID);
  }

  /**
   * The capture as PayPal shows it; {@code standalone} (GET, webhooks) adds the order it belongs
   * to, as {@code supplementary_data.related_ids.order_id}.
   */
  JsonObject toJson(String baseUrl, boolean standalone) {
    JsonObject json = new JsonObject().put("id", id).put("status", status.name());
    if (status == Status.PENDING) {
      json.put("status_details", new JsonObject().put("reason", "PENDING_REVIEW"));
    }
    json.put("amount", amount.toJson())
        .put("final_capture", true)
        .put(
            "seller_protection",
            new JsonObject()
                .put("status", "ELIGIBLE")
                .put(
                    "dispute_categories",
                    new JsonArray().add("ITEM_NOT_RECEIVED").add("UNAUTHORIZED_TRANSACTION")));
    if (status != Status.DECLINED) {
      json.put(
          "seller_receivable_breakdown",
          new JsonObject()
              .put("gross_amount", amount.toJson())
              .put("paypal_fee", fee.toJson())
              .put("net_amount", amount.withMinor(amount.minor() - fee.minor()).toJson()));
    }
    if (invoiceId != null) {
      json.put("invoice_id", invoiceId);
    }
    if (customId != null) {
      json.put("custom_id", customId);
    }
    if (standalone) {
      json.put(
          "supplementary_data",
          new JsonObject().put("related_ids", new JsonObject().put("order_id", orderId)));
      json.put("payee", payee());
    }
    String self = baseUrl + "/v2/payments/captures/" + id;
    JsonArray links = new JsonArray().add(Order.link(self, "self", "GET"));
    if (status == Status.COMPLETED || status == Status.PARTIALLY_REFUNDED) {
      links.add(Order.link(self + "/refund", "refund", "POST"));
    }
    links.add(Order.link(baseUrl + "/v2/checkout/orders/" + orderId, "up", "GET"));
    return json.put("create_time", PayPalIds.time(createTime))
        .put("update_time", PayPalIds.time(updateTime))
        .put("links", links);
  }

  JsonObject toRecord() {
    return new JsonObject()
        .put("key", "capture " + id)
        .put("kind", "capture")
        .put("created", createTime.getEpochSecond())
        .put("id", id)
        .put("orderId", orderId)
        .put("clientId", clientId)
        .put("referenceId", referenceId)
        .put("amount", amount.toJson())
        .put("fee", fee.toJson())
        .put("customId", customId)
        .put("invoiceId", invoiceId)
        .put("createTime", createTime.toString())
        .put("updateTime", updateTime.toString())
        .put("status", status.name())
        .put("refundedMinor", refundedMinor);
  }

  static Capture fromRecord(JsonObject r) {
    Capture capture =
        new Capture(
            r.getString("id"),
            r.getString("orderId"),
            r.getString("clientId"),
            r.getString("referenceId"),
            Money.parse(r.getJsonObject("amount"), "/amount"),
            Money.parse(r.getJsonObject("fee"), "/fee"),
            r.getString("customId"),
            r.getString("invoiceId"),
            Instant.parse(r.getString("createTime")),
            Status.valueOf(r.getString("status")));
    capture.updateTime = Instant.parse(r.getString("updateTime"));
    capture.refundedMinor = r.getLong("refundedMinor");
    return capture;
  }
}
