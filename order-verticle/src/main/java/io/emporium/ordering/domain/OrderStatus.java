package io.emporium.ordering.domain;

import java.util.EnumSet;
import java.util.Set;

/** The order status machine of the REST contract; any move it does not list is a conflict. Pure. */
public enum OrderStatus {
  PENDING_PAYMENT,
  PAID,
  PROCESSING,
  SHIPPED,
  DELIVERED,
  CANCELLED,
  REFUNDED;

  /** The status as the API and the database spell it. */
  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static OrderStatus of(String wire) {
    return valueOf(wire.toUpperCase(java.util.Locale.ROOT));
  }

  public Set<OrderStatus> next() {
    return switch (this) {
      case PENDING_PAYMENT -> EnumSet.of(PAID, CANCELLED);
      case PAID -> EnumSet.of(PROCESSING, CANCELLED);
      case PROCESSING -> EnumSet.of(SHIPPED, CANCELLED);
      case SHIPPED -> EnumSet.of(DELIVERED);
      case DELIVERED -> EnumSet.of(REFUNDED);
      case CANCELLED, REFUNDED -> EnumSet.noneOf(OrderStatus.class);
    };
  }

  public boolean canMoveTo(OrderStatus to) {
    return next().contains(to);
  }
}
