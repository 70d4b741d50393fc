package io.emporium.paypal.emulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** An Orders v2 order with intent {@code CAPTURE}. Confined to the emulator's event loop. */
final class Order {
  enum Status {
    CREATED,
    PAYER_ACTION_REQUIRED,
    APPROVED,
    COMPLETED
  }

  final String id;
  final String clientId;
  final String intent;

  /** The purchase units as asked, each with its {@code reference_id} and {@code payee}. */
  final JsonArray purchaseUnits;

  final List<Money> amounts;
  final String returnUrl;
  final String cancelUrl;

  /** Asked with {@code payment_source.paypal}: PayPal answers PAYER_ACTION_REQUIRED then. */
  final boolean paymentSourcePaypal;

  final Instant createTime;
  Status status;
  Instant updateTime;

  /** Who approved, and what their funding source will do at capture; null until approved. */
  TestPayers.Payer payer;

  final List<String> captureIds = new ArrayList<>();

  Order(
      String id,
      String clientId,
      String intent,
      JsonArray purchaseUnits,
      List<Money> amounts,
      String returnUrl,
      String cancelUrl,
      boolean paymentSourcePaypal,
      Instant createTime,
      Status status) {
    this.id = id;
    this.clientId = clientId;
    this.intent = intent;
    this.purchaseUnits = purchaseUnits;
    this.amounts = amounts;
    this.returnUrl = returnUrl;
    this.cancelUrl = cancelUrl;
    this.paymentSourcePaypal = paymentSourcePaypal;
    this.createTime = createTime;
    this.status = status;
  }

  /** The status before approval: what it goes back to when a capture is declined. */
  Status unapproved() {
    return paymentSourcePaypal ? Status.PAYER_ACTION_REQUIRED : Status.CREATED;
  }

  boolean awaitingPayer() {
    return status == Status.CREATED || status == Status.PAYER_ACTION_REQUIRED;
  }

  static String approveUrl(String baseUrl, String id) {
    return baseUrl + "/checkoutnow/" + id;
  }

  /** The order as PayPal shows it ({@code Prefer: return=representation}, GET, capture). */
  JsonObject toJson(String baseUrl, List<Capture> captures) {
    JsonObject json =
        new JsonObject().put("id", id).put("intent", intent).put("status", status.name());
    JsonObject source = paymentSource();
    if (source != null) {
      json.put("payment_source", source);
    }
    JsonArray units = new JsonArray();
    for (int i = 0; i < purchaseUnits.size(); i++) {
      JsonObject unit = purchaseUnits.getJsonObject(i).copy();
      String reference = unit.getString("reference_id");
      JsonArray unitCaptures = new JsonArray();
      for (Capture capture : captures) {
        if (capture.referenceId.equals(reference)) {
          unitCaptures.add(capture.toJson(baseUrl, false));
        }
      }
      if (!unitCaptures.isEmpty()) {
        unit.put("payments", new JsonObject().put("captures", unitCaptures));
      }
      units.add(unit);
    }
    json.put("purchase_units", units);
    if (payer != null && !awaitingPayer()) {
      json.put("payer", payer.toPayerJson());
    }
    json.put("create_time", PayPalIds.time(createTime));
    if (updateTime != null) {
      json.put("update_time", PayPalIds.time(updateTime));
    }
    return json.put("links", links(baseUrl));
  }

  /** The order as PayPal answers by default ({@code Prefer: return=minimal}). */
  JsonObject toMinimalJson(String baseUrl) {
    JsonObject json = new JsonObject().put("id", id).put("status", status.name());
    JsonObject source = paymentSource();
    if (source != null) {
      json.put("payment_source", source);
    }
    return json.put("links", links(baseUrl));
  }

  private JsonObject paymentSource() {
    if (payer != null && !awaitingPayer()) {
      return new JsonObject().put("paypal", payer.toPaymentSourceJson());
    }
    return paymentSourcePaypal ? new JsonObject().put("paypal", new JsonObject()) : null;
  }

  JsonArray links(String baseUrl) {
    String self = baseUrl + "/v2/checkout/orders/" + id;
    JsonArray links = new JsonArray().add(link(self, "self", "GET"));
    switch (status) {
      case CREATED ->
          links
              .add(link(approveUrl(baseUrl, id), "approve", "GET"))
              .add(link(self, "update", "PATCH"))
              .add(link(self + "/capture", "capture", "POST"));
      case PAYER_ACTION_REQUIRED -> links.add(link(approveUrl(baseUrl, id), "payer-action", "GET"));
      case APPROVED ->
          links.add(link(self, "update", "PATCH")).add(link(self + "/capture", "capture", "POST"));
      case COMPLETED -> {
        // nothing more to do with it
      }
    }
    return links;
  }

  static JsonObject link(String href, String rel, String method) {
    return new JsonObject().put("href", href).put("rel", rel).put("method", method);
  }

  JsonObject toRecord() {
    JsonArray amountRecords = new JsonArray();
    amounts.forEach(a -> amountRecords.add(a.toJson()));
    return new JsonObject()
        .put("key", "order " + id)
        .put("kind", "order")
        .put("created", createTime.getEpochSecond())
        .put("id", id)
        .put("clientId", clientId)
        .put("intent", intent)
        .put("purchaseUnits", purchaseUnits)
        .put("amounts", amountRecords)
        .put("returnUrl", returnUrl)
        .put("cancelUrl", cancelUrl)
        .put("paymentSourcePaypal", paymentSourcePaypal)
        .put("createTime", createTime.toString())
        .put("updateTime", updateTime == null ? null : updateTime.toString())
        .put("status", status.name())
        .put("payer", payer == null ? null : payer.toRecord())
        .put("captureIds", new JsonArray(new ArrayList<Object>(captureIds)));
  }

  static Order fromRecord(JsonObject r) {
    List<Money> amounts = new ArrayList<>();
    for (Object a : r.getJsonArray("amounts")) {
      JsonObject amount = (JsonObject) a;
      amounts.add(Money.parse(amount, "/amount"));
    }
    Order order =
        new Order(
            r.getString("id"),
            r.getString("clientId"),
            r.getString("intent"),
            r.getJsonArray("purchaseUnits"),
            amounts,
            r.getString("returnUrl"),
            r.getString("cancelUrl"),
            r.getBoolean("paymentSourcePaypal"),
            Instant.parse(r.getString("createTime")),
            Status.valueOf(r.getString("status")));
    String updated = r.getString("updateTime");
    order.updateTime = updated == null ? null : Instant.parse(updated);
    JsonObject payer = r.getJsonObject("payer");
    order.payer = payer == null ? null : TestPayers.Payer.fromRecord(payer);
    r.getJsonArray("captureIds").forEach(c -> order.captureIds.add((String) c));
    return order;
  }
}
