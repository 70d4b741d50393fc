package io.emporium.realtime.domain;

import io.emporium.proto.events.v1.CatalogEvent;
import io.emporium.proto.events.v1.EventParked;
import io.emporium.proto.events.v1.OrderEvent;
import io.emporium.proto.events.v1.OrderLine;
import io.emporium.proto.events.v1.PaymentEvent;
import io.emporium.proto.events.v1.StockChanged;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which domain event pushes which message to which event-bus address (API.md "Real time"). Pure.
 */
public final class Pushes {
  public static final String ADMIN_ALERTS = "admin.alerts";

  /**
   * One message for one address; {@code body} (a JSON object as plain maps and lists, its fields in
   * order) carries its {@code type} and payload, the store adds {@code seq}.
   */
  public record Push(String address, Map<String, Object> body) {}

  private Pushes() {}

  public static String userOrders(String userId) {
    return "user." + userId + ".orders";
  }

  public static String userInventory(String userId) {
    return "user." + userId + ".inventory";
  }

  /** A guest order's own address, for whoever holds its order token. */
  public static String guestOrder(String orderId) {
    return "order." + orderId;
  }

  public static String sellerOrders(String sellerId) {
    return "seller." + sellerId + ".orders";
  }

  /**
   * A status move tells the buyer: the customer on their address, and a guest's order on its own
   * (still, once an account claimed it, for the holder of its token); a payment tells each seller
   * whose lines were bought.
   */
  public static List<Push> ofOrderEvent(OrderEvent e) {
    return switch (e.getKindCase()) {
      case STATUS_CHANGED -> {
        List<Push> out = new ArrayList<>();
        if (!e.getCustomerId().isEmpty()) {
          out.add(new Push(userOrders(e.getCustomerId()), statusUpdate(e)));
        }
        if (!e.getGuestEmail().isEmpty()) {
          out.add(new Push(guestOrder(e.getOrderId()), statusUpdate(e)));
        }
        yield out;
      }
      case ORDER_PAID -> newOrders(e);
      default -> List.of();
    };
  }

  private static Map<String, Object> statusUpdate(OrderEvent e) {
    return object(
        "type",
        "orderStatusUpdate",
        "orderId",
        e.getOrderId(),
        "status",
        e.getStatus(),
        "previousStatus",
        e.getPreviousStatus(),
        "at",
        e.getOccurredAt());
  }

  private static List<Push> newOrders(OrderEvent e) {
    Map<String, List<Object>> bySeller = new LinkedHashMap<>();
    for (OrderLine line : e.getOrderPaid().getLinesList()) {
      bySeller
          .computeIfAbsent(line.getSellerId(), s -> new ArrayList<>())
          .add(
              object(
                  "productId",
                  line.getProductId(),
                  "sku",
                  line.getSku(),
                  "name",
                  line.getName(),
                  "quantity",
                  line.getQuantity(),
                  "unitPrice",
                  line.getUnitPrice()));
    }
    List<Push> out = new ArrayList<>();
    bySeller.forEach(
        (seller, items) ->
            out.add(
                new Push(
                    sellerOrders(seller),
                    object(
                        "type",
                        "newOrder",
                        "orderId",
                        e.getOrderId(),
                        "items",
                        items,
                        "currency",
                        e.getOrderPaid().getCurrency(),
                        "at",
                        e.getOccurredAt()))));
    return out;
  }

  /**
   * A failed payment, and money Stripe reported that does not match its order, are admin alerts.
   */
  public static List<Push> ofPaymentEvent(PaymentEvent e) {
    return switch (e.getKindCase()) {
      case FAILED -> {
        var failed = e.getFailed();
        yield List.of(
            new Push(
                ADMIN_ALERTS,
                object(
                    "type",
                    "paymentFailed",
                    "orderId",
                    e.getOrderId(),
                    "paymentIntentId",
                    failed.getPaymentIntentId(),
                    "amount",
                    failed.getAmount(),
                    "currency",
                    failed.getCurrency(),
                    "reason",
                    failed.getReason(),
                    "at",
                    e.getOccurredAt())));
      }
      case MISMATCH -> {
        var m = e.getMismatch();
        yield List.of(
            new Push(
                ADMIN_ALERTS,
                object(
                    "type",
                    "paymentMismatch",
                    "orderId",
                    e.getOrderId(),
                    "reported",
                    m.getReported(),
                    "paymentIntentId",
                    m.getPaymentIntentId(),
                    "sessionId",
                    m.getSessionId(),
                    "refundId",
                    m.getRefundId(),
                    "amount",
                    m.getAmount(),
                    "currency",
                    m.getCurrency(),
                    "expectedAmount",
                    m.getExpectedAmount(),
                    "expectedCurrency",
                    m.getExpectedCurrency(),
                    "mismatched",
                    List.<Object>copyOf(m.getMismatchedList()),
                    "stripeEventId",
                    e.getStripeEventId(),
                    "at",
                    e.getOccurredAt())));
      }
      default -> List.of();
    };
  }

  /** Whether a catalog event is a stock alert, which fans out to the seller's followers. */
  public static boolean isStockAlert(CatalogEvent e) {
    return e.getKindCase() == CatalogEvent.KindCase.STOCK_LOW
        || e.getKindCase() == CatalogEvent.KindCase.BACK_IN_STOCK;
  }

  public static StockChanged stockChange(CatalogEvent e) {
    return e.getKindCase() == CatalogEvent.KindCase.STOCK_LOW
        ? e.getStockLow()
        : e.getBackInStock();
  }

  /** A consumer gave up on a message and parked it; the admin routes name it by {@code id}. */
  public static List<Push> ofEventParked(EventParked e) {
    return List.of(
        new Push(
            ADMIN_ALERTS,
            object(
                "type",
                "eventParked",
                "id",
                e.getParkedId(),
                "service",
                e.getService(),
                "source",
                e.getSource(),
                "key",
                e.getKey(),
                "error",
                e.getError(),
                "at",
                e.getOccurredAt())));
  }

  /**
   * Low stock alerts admins and the seller; low stock and back in stock both update the followers
   * of that seller.
   */
  public static List<Push> ofStockAlert(CatalogEvent e, List<String> followers) {
    StockChanged change = stockChange(e);
    Map<String, Object> level =
        object(
            "productId",
            e.getProductId(),
            "sku",
            change.getSku(),
            "sellerId",
            change.getSellerId(),
            "available",
            change.getAvailable(),
            "threshold",
            change.getThreshold());
    List<Push> out = new ArrayList<>();
    if (e.getKindCase() == CatalogEvent.KindCase.STOCK_LOW) {
      Map<String, Object> alert = object("type", "lowStock");
      alert.putAll(level);
      alert.put("at", e.getOccurredAt());
      out.add(new Push(ADMIN_ALERTS, alert));
      out.add(new Push(sellerOrders(change.getSellerId()), new LinkedHashMap<>(alert)));
    }
    Map<String, Object> update = object("type", "inventoryUpdate");
    update.putAll(level);
    update.put("inStock", change.getAvailable() > 0);
    update.put("at", e.getOccurredAt());
    followers.forEach(f -> out.add(new Push(userInventory(f), new LinkedHashMap<>(update))));
    return out;
  }

  /** A JSON object of {@code fields} (name, value, name, value...), in their order. */
  private static Map<String, Object> object(Object... fields) {
    Map<String, Object> object = new LinkedHashMap<>();
    for (int i = 0; i < fields.length; i += 2) {
      object.put((String) fields[i], fields[i + 1]);
    }
    return object;
  }
}
