package io.emporium.realtime.domain;

import io.emporium.proto.events.v1.CatalogEvent;
import io.emporium.proto.events.v1.EventParked;
import io.emporium.proto.events.v1.OrderEvent;
import io.emporium.proto.events.v1.OrderLine;
import io.emporium.proto.events.v1.PaymentEvent;
import io.emporium.proto.events.v1.StockChanged;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Which domain event pushes which message to which event-bus address (API.md "Real time"). Pure. */
public final class Pushes {
  public static final String ADMIN_ALERTS = "admin.alerts";

  /** One message for one address; {@code body} carries its {@code type} and payload, the store adds {@code seq}. */
  public record Push(String address, JsonObject body) {}

  private Pushes() {}

  public static String userOrders(String userId) {
    return "user." + userId + ".orders";
  }

  public static String userInventory(String userId) {
    return "user." + userId + ".inventory";
  }

  public static String sellerOrders(String sellerId) {
    return "seller." + sellerId + ".orders";
  }

  /** A status move tells the buyer; a payment tells each seller whose lines were bought. */
  public static List<Push> ofOrderEvent(OrderEvent e) {
    return switch (e.getKindCase()) {
      case STATUS_CHANGED -> List.of(new Push(userOrders(e.getCustomerId()), new JsonObject()
          .put("type", "orderStatusUpdate").put("orderId", e.getOrderId()).put("status", e.getStatus())
          .put("previousStatus", e.getPreviousStatus()).put("at", e.getOccurredAt())));
      case ORDER_PAID -> newOrders(e);
      default -> List.of();
    };
  }

  private static List<Push> newOrders(OrderEvent e) {
    Map<String, JsonArray> bySeller = new LinkedHashMap<>();
    for (OrderLine line : e.getOrderPaid().getLinesList()) {
      bySeller.computeIfAbsent(line.getSellerId(), s -> new JsonArray()).add(new JsonObject()
          .put("productId", line.getProductId()).put("sku", line.getSku()).put("name", line.getName())
          .put("quantity", line.getQuantity()).put("unitPrice", line.getUnitPrice()));
    }
    List<Push> out = new ArrayList<>();
    bySeller.forEach((seller, items) -> out.add(new Push(sellerOrders(seller), new JsonObject()
        .put("type", "newOrder").put("orderId", e.getOrderId()).put("items", items)
        .put("currency", e.getOrderPaid().getCurrency()).put("at", e.getOccurredAt()))));
    return out;
  }

  /** A failed payment, and money Stripe reported that does not match its order, are admin alerts. */
  public static List<Push> ofPaymentEvent(PaymentEvent e) {
    return switch (e.getKindCase()) {
      case FAILED -> {
        var failed = e.getFailed();
        yield List.of(new Push(ADMIN_ALERTS, new JsonObject().put("type", "paymentFailed").put("orderId", e.getOrderId())
            .put("paymentIntentId", failed.getPaymentIntentId()).put("amount", failed.getAmount())
            .put("currency", failed.getCurrency()).put("reason", failed.getReason()).put("at", e.getOccurredAt())));
      }
      case MISMATCH -> {
        var m = e.getMismatch();
        yield List.of(new Push(ADMIN_ALERTS, new JsonObject().put("type", "paymentMismatch").put("orderId", e.getOrderId())
            .put("reported", m.getReported()).put("paymentIntentId", m.getPaymentIntentId()).put("sessionId", m.getSessionId())
            .put("refundId", m.getRefundId()).put("amount", m.getAmount()).put("currency", m.getCurrency())
            .put("expectedAmount", m.getExpectedAmount()).put("expectedCurrency", m.getExpectedCurrency())
            .put("mismatched", new JsonArray(List.copyOf(m.getMismatchedList()))).put("stripeEventId", e.getStripeEventId())
            .put("at", e.getOccurredAt())));
      }
      default -> List.of();
    };
  }

  /** Whether a catalog event is a stock alert, which fans out to the seller's followers. */
  public static boolean isStockAlert(CatalogEvent e) {
    return e.getKindCase() == CatalogEvent.KindCase.STOCK_LOW || e.getKindCase() == CatalogEvent.KindCase.BACK_IN_STOCK;
  }

  public static StockChanged stockChange(CatalogEvent e) {
    return e.getKindCase() == CatalogEvent.KindCase.STOCK_LOW ? e.getStockLow() : e.getBackInStock();
  }

  /**
   * Low stock alerts admins and the seller; low stock and back in stock both update the followers of that seller.
   */
  /** A consumer gave up on a message and parked it; the admin routes name it by {@code id}. */
  public static List<Push> ofEventParked(EventParked e) {
    return List.of(new Push(ADMIN_ALERTS, new JsonObject().put("type", "eventParked").put("id", e.getParkedId())
        .put("service", e.getService()).put("source", e.getSource()).put("key", e.getKey()).put("error", e.getError())
        .put("at", e.getOccurredAt())));
  }

  public static List<Push> ofStockAlert(CatalogEvent e, List<String> followers) {
    StockChanged change = stockChange(e);
    JsonObject level = new JsonObject().put("productId", e.getProductId()).put("sku", change.getSku())
        .put("sellerId", change.getSellerId()).put("available", change.getAvailable()).put("threshold", change.getThreshold());
    List<Push> out = new ArrayList<>();
    if (e.getKindCase() == CatalogEvent.KindCase.STOCK_LOW) {
      JsonObject alert = new JsonObject().put("type", "lowStock").mergeIn(level).put("at", e.getOccurredAt());
      out.add(new Push(ADMIN_ALERTS, alert));
      out.add(new Push(sellerOrders(change.getSellerId()), alert.copy()));
    }
    JsonObject update = new JsonObject().put("type", "inventoryUpdate").mergeIn(level)
        .put("inStock", change.getAvailable() > 0).put("at", e.getOccurredAt());
    followers.forEach(f -> out.add(new Push(userInventory(f), update.copy())));
    return out;
  }
}
