package io.emporium.edge.http.json;

import io.emporium.proto.ordering.v1.Address;
import io.emporium.proto.ordering.v1.Order;
import io.emporium.proto.ordering.v1.OrderPage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * An order as the API shows it, to whoever may see it (customer, seller, admin): the ordering
 * service chose what it holds.
 */
public final class OrderJson {
  private OrderJson() {}

  public static JsonObject of(Order o) {
    JsonArray items = new JsonArray();
    o.getItemsList()
        .forEach(
            i ->
                items.add(
                    new JsonObject()
                        .put("productId", i.getProductId())
                        .put("sku", i.getSku())
                        .put("name", i.getName())
                        .put("sellerId", i.getSellerId().isEmpty() ? null : i.getSellerId())
                        .put("unitPrice", i.getUnitPrice())
                        .put("quantity", i.getQuantity())
                        .put("lineTotal", i.getLineTotal())));
    JsonArray history = new JsonArray();
    o.getStatusHistoryList()
        .forEach(
            h -> {
              JsonObject move =
                  new JsonObject()
                      .put("status", h.getStatus())
                      .put("at", h.getAt())
                      .put("reason", h.getReason().isEmpty() ? null : h.getReason())
                      .put("actor", h.getActorRole());
              // the ordering service names the mover to admins only
              if (!h.getActor().isEmpty()) {
                move.put("actorId", h.getActor());
              }
              history.add(move);
            });
    JsonArray shipments = new JsonArray();
    o.getShipmentsList()
        .forEach(
            s ->
                shipments.add(
                    new JsonObject()
                        .put("sellerId", s.getSellerId())
                        .put("carrier", s.getCarrier())
                        .put("trackingNumber", s.getTrackingNumber())
                        .put("shippedAt", s.getShippedAt())));
    return new JsonObject()
        .put("id", o.getId())
        .put("status", o.getStatus())
        .put("items", items)
        .put("subtotal", o.getSubtotal())
        .put("discount", o.getDiscount())
        .put("shipping", o.getShipping())
        .put("tax", o.getTax())
        .put("total", o.getTotal())
        .put("currency", o.getCurrency())
        .put("discountCode", o.getDiscountCode().isEmpty() ? null : o.getDiscountCode())
        .put("shippingAddress", address(o.getShippingAddress()))
        .put(
            "payment",
            new JsonObject()
                .put("status", o.getPaymentStatus())
                .put(
                    "provider",
                    o.getPaymentProvider().isEmpty() ? "stripe" : o.getPaymentProvider())
                .put(
                    "checkoutSessionId",
                    o.getCheckoutSessionId().isEmpty() ? null : o.getCheckoutSessionId())
                .put("refunded", o.getRefunded()))
        .put("shipments", shipments)
        .put("statusHistory", history)
        .put("createdAt", o.getCreatedAt());
  }

  /**
   * A page of orders: {@code items} and the {@code nextCursor} of the next page, null on the last.
   */
  public static JsonObject page(OrderPage page) {
    JsonArray items = new JsonArray();
    page.getOrdersList().forEach(o -> items.add(of(o)));
    return new JsonObject()
        .put("items", items)
        .put("nextCursor", page.getNextCursor().isEmpty() ? null : page.getNextCursor());
  }

  private static JsonObject address(Address a) {
    return new JsonObject()
        .put("name", a.getName())
        .put("line1", a.getLine1())
        .put("line2", blank(a.getLine2()))
        .put("city", a.getCity())
        .put("region", blank(a.getRegion()))
        .put("postalCode", a.getPostalCode())
        .put("country", a.getCountry())
        .put("phone", blank(a.getPhone()));
  }

  private static String blank(String s) {
    return s.isEmpty() ? null : s;
  }
}
