package io.emporium.paypal.emulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A refund of (part of) a capture; refunds complete at once. */
final class Refund {
  final String id;
  final String captureId;
  final String orderId;
  final String clientId;
  final Money amount;
  final Money feeRefunded;

  /** What the capture had refunded in all once this refund was made. */
  final Money totalRefunded;

  final String invoiceId;
  final String customId;
  final String noteToPayer;
  final Instant createTime;

  Refund(
      String id,
      String captureId,
      String orderId,
      String clientId,
      Money amount,
      Money feeRefunded,
      Money totalRefunded,
      String invoiceId,
      String customId,
      String noteToPayer,
      Instant createTime) {
    this.id = id;
    this.captureId = captureId;
    this.orderId = orderId;
    this.clientId = clientId;
    this.amount = amount;
    this.feeRefunded = feeRefunded;
    this.totalRefunded = totalRefunded;
    this.invoiceId = invoiceId;
    this.customId = customId;
    this.noteToPayer = noteToPayer;
    this.createTime = createTime;
  }

  JsonArray links(String baseUrl) {
    return new JsonArray()
        .add(Order.link(baseUrl + "/v2/payments/refunds/" + id, "self", "GET"))
        .add(Order.link(baseUrl + "/v2/payments/captures/" + captureId, "up", "GET"));
  }

  JsonObject toMinimalJson(String baseUrl) {
    return new JsonObject().put("id", id).put("status", "COMPLETED").put("links", links(baseUrl));
  }

  JsonObject toJson(String baseUrl) {
    JsonObject json =
        new JsonObject()
            .put("id", id)
            .put("amount", amount.toJson())
            .put(
                "seller_payable_breakdown",
                new JsonObject()
                    .put("gross_amount", amount.toJson())
                    .put("paypal_fee", feeRefunded.toJson())
                    .put(
                        "net_amount",
                        amount.withMinor(amount.minor() - feeRefunded.minor()).toJson())
                    .put("total_refunded_amount", totalRefunded.toJson()));
    if (invoiceId != null) {
      json.put("invoice_id", invoiceId);
    }
    if (customId != null) {
      json.put("custom_id", customId);
    }
    if (noteToPayer != null) {
      json.put("note_to_payer", noteToPayer);
    }
    return json.put("status", "COMPLETED")
        .put("payer", Capture.payee())
        .put("create_time", PayPalIds.time(createTime))
        .put("update_time", PayPalIds.time(createTime))
        .put("links", links(baseUrl));
  }

  JsonObject toRecord() {
    return new JsonObject()
        .put("key", "refund " + id)
        .put("kind", "refund")
        .put("created", createTime.getEpochSecond())
        .put("id", id)
        .put("captureId", captureId)
        .put("orderId", orderId)
        .put("clientId", clientId)
        .put("amount", amount.toJson())
        .put(
            "feeRefunded",
            new JsonObject()
                .put("currency_code", feeRefunded.currency())
                .put("minor", feeRefunded.minor()))
        .put("totalRefunded", totalRefunded.toJson())
        .put("invoiceId", invoiceId)
        .put("customId", customId)
        .put("noteToPayer", noteToPayer)
        .put("createTime", createTime.toString());
  }

  static Refund fromRecord(JsonObject r) {
    JsonObject fee = r.getJsonObject("feeRefunded");
    return new Refund(
        r.getString("id"),
        r.getString("captureId"),
        r.getString("orderId"),
        r.getString("clientId"),
        Money.parse(r.getJsonObject("amount"), "/amount"),
        new Money(fee.getString("currency_code"), fee.getLong("minor")),
        Money.parse(r.getJsonObject("totalRefunded"), "/total"),
        r.getString("invoiceId"),
        r.getString("customId"),
        r.getString("noteToPayer"),
        Instant.parse(r.getString("createTime")));
  }
}
