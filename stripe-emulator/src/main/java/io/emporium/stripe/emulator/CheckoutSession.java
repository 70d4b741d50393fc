package io.emporium.stripe.emulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A Checkout Session in payment mode, as Stripe's {@code checkout.session} object shows it. */
final class CheckoutSession {
  enum Status {
    OPEN,
    COMPLETE,
    EXPIRED
  }

  record LineItem(String id, String name, String currency, long unitAmount, long quantity) {
    long amount() {
      return unitAmount * quantity;
    }

    JsonObject toJson() {
      return new JsonObject()
          .put("id", id)
          .put("object", "item")
          .put("amount_discount", 0)
          .put("amount_subtotal", amount())
          .put("amount_tax", 0)
          .put("amount_total", amount())
          .put("currency", currency)
          .put("description", name)
          .put("quantity", quantity)
          .put(
              "price",
              new JsonObject()
                  .put("id", "price_" + id.substring(3))
                  .put("object", "price")
                  .put("active", false)
                  .put("currency", currency)
                  .put("livemode", false)
                  .put("product", "prod_" + id.substring(3))
                  .put("type", "one_time")
                  .put("unit_amount", unitAmount)
                  .put("billing_scheme", "per_unit"));
    }
  }

  final String id;
  final long created;
  final long expiresAt;
  final String url;
  final String successUrl;
  final String cancelUrl;
  final String clientReferenceId;
  final String customerEmail;
  final Map<String, String> metadata;
  final Map<String, String> paymentIntentMetadata;
  final List<LineItem> lineItems;
  final String currency;
  final long amountTotal;
  Status status = Status.OPEN;
  boolean paid;
  String paymentIntentId;

  CheckoutSession(
      String id,
      long created,
      long expiresAt,
      String url,
      String successUrl,
      String cancelUrl,
      String clientReferenceId,
      String customerEmail,
      Map<String, String> metadata,
      Map<String, String> paymentIntentMetadata,
      List<LineItem> lineItems) {
    this.id = id;
    this.created = created;
    this.expiresAt = expiresAt;
    this.url = url;
    this.successUrl = successUrl;
    this.cancelUrl = cancelUrl;
    this.clientReferenceId = clientReferenceId;
    this.customerEmail = customerEmail;
    this.metadata = metadata;
    this.paymentIntentMetadata = paymentIntentMetadata;
    this.lineItems = List.copyOf(lineItems);
    this.currency = lineItems.get(0).currency();
    this.amountTotal = lineItems.stream().mapToLong(LineItem::amount).sum();
  }

  boolean open() {
    return status == Status.OPEN;
  }

  /** The success URL with {@code {CHECKOUT_SESSION_ID}} filled in, as Stripe redirects to it. */
  String successRedirect() {
    return successUrl.replace("{CHECKOUT_SESSION_ID}", id);
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("object", "checkout.session")
        .put("amount_subtotal", amountTotal)
        .put("amount_total", amountTotal)
        .put("cancel_url", cancelUrl)
        .put("client_reference_id", clientReferenceId)
        .put("created", created)
        .put("currency", currency)
        .put("customer", null)
        .put("customer_email", customerEmail)
        .put("expires_at", expiresAt)
        .put("livemode", false)
        .put("metadata", Metadata.json(metadata))
        .put("mode", "payment")
        .put("payment_intent", paymentIntentId)
        .put("payment_method_types", new JsonArray().add("card"))
        .put("payment_status", paid ? "paid" : "unpaid")
        .put("status", status.name().toLowerCase(Locale.ROOT))
        .put("success_url", successUrl)
        .put("ui_mode", "hosted")
        // Stripe shows the URL only while the session can still be paid
        .put("url", open() ? url : null);
  }

  /** Everything it holds, for the journal; {@link #restore} reads it back. */
  JsonObject state() {
    JsonArray items = new JsonArray();
    lineItems.forEach(
        i ->
            items.add(
                new JsonObject()
                    .put("id", i.id())
                    .put("name", i.name())
                    .put("currency", i.currency())
                    .put("unitAmount", i.unitAmount())
                    .put("quantity", i.quantity())));
    return new JsonObject()
        .put("id", id)
        .put("created", created)
        .put("expiresAt", expiresAt)
        .put("url", url)
        .put("successUrl", successUrl)
        .put("cancelUrl", cancelUrl)
        .put("clientReferenceId", clientReferenceId)
        .put("customerEmail", customerEmail)
        .put("metadata", Metadata.json(metadata))
        .put("paymentIntentMetadata", Metadata.json(paymentIntentMetadata))
        .put("lineItems", items)
        .put("status", status.name())
        .put("paid", paid)
        .put("paymentIntentId", paymentIntentId);
  }

  static CheckoutSession restore(JsonObject s) {
    List<LineItem> items =
        s.getJsonArray("lineItems").stream()
            .map(JsonObject.class::cast)
            .map(
                i ->
                    new LineItem(
                        i.getString("id"),
                        i.getString("name"),
                        i.getString("currency"),
                        i.getLong("unitAmount"),
                        i.getLong("quantity")))
            .toList();
    CheckoutSession session =
        new CheckoutSession(
            s.getString("id"),
            s.getLong("created"),
            s.getLong("expiresAt"),
            s.getString("url"),
            s.getString("successUrl"),
            s.getString("cancelUrl"),
            s.getString("clientReferenceId"),
            s.getString("customerEmail"),
            Metadata.map(s.getJsonObject("metadata")),
            Metadata.map(s.getJsonObject("paymentIntentMetadata")),
            items);
    session.status = Status.valueOf(s.getString("status"));
    session.paid = s.getBoolean("paid");
    session.paymentIntentId = s.getString("paymentIntentId");
    return session;
  }

  JsonObject lineItemsJson() {
    JsonArray data = new JsonArray();
    lineItems.forEach(item -> data.add(item.toJson()));
    return new JsonObject()
        .put("object", "list")
        .put("data", data)
        .put("has_more", false)
        .put("url", "/v1/checkout/sessions/" + id + "/line_items");
  }
}
