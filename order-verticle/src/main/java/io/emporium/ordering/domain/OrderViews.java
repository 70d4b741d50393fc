package io.emporium.ordering.domain;

import io.emporium.proto.ordering.v1.Order;
import io.emporium.proto.ordering.v1.OrderItem;
import io.emporium.proto.ordering.v1.StatusChange;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What each party is shown of an order. Pure.
 *
 * <ul>
 *   <li>An admin: all of it, with the id of whoever moved it.
 *   <li>Its buyer: all of it, each move by the mover's role only.
 *   <li>A seller of its items: their share. Their lines, {@code subtotal} their lines' sum; the
 *       order's discount and shipping apportioned by their share of the subtotal, tax by their
 *       share of the discounted goods (what it is charged on), refunds by their share of the total,
 *       each split by largest remainder so that the sellers' shares add up to the order's figures;
 *       {@code total = subtotal - discount + shipping + tax}. Their own shipment only, no payment
 *       session, moves by role only.
 * </ul>
 */
public final class OrderViews {
  private OrderViews() {}

  /** The order as this caller may see it; empty when they may not see it at all. */
  public static Optional<Order> forCaller(Order order, String userId, String role) {
    if ("admin".equals(role)) {
      return Optional.of(order);
    }
    // a guest order has no customer id: an empty one is nobody's
    if (!order.getCustomerId().isEmpty() && order.getCustomerId().equals(userId)) {
      return Optional.of(forBuyer(order));
    }
    if ("seller".equals(role)
        && order.getItemsList().stream().anyMatch(i -> i.getSellerId().equals(userId))) {
      return Optional.of(sellerShare(order, userId));
    }
    return Optional.empty();
  }

  /** The whole order, each move by its mover's role only. */
  public static Order forBuyer(Order order) {
    return withoutMoverIds(order.toBuilder()).build();
  }

  /**
   * One seller's share of the order (see the class comment); a seller with no lines in it gets
   * zeros.
   */
  public static Order sellerShare(Order order, String sellerId) {
    Map<String, Long> lines = new LinkedHashMap<>();
    for (OrderItem item : order.getItemsList()) {
      lines.merge(item.getSellerId(), item.getLineTotal(), Long::sum);
    }
    List<String> sellers = new ArrayList<>(lines.keySet());
    long[] subtotals = sellers.stream().mapToLong(lines::get).toArray();
    long[] discounts = apportion(order.getDiscount(), subtotals);
    long[] shipping = apportion(order.getShipping(), subtotals);
    long[] goods = new long[sellers.size()];
    for (int i = 0; i < goods.length; i++) {
      goods[i] = subtotals[i] - discounts[i];
    }
    long[] taxes = apportion(order.getTax(), goods);
    long[] totals = new long[sellers.size()];
    for (int i = 0; i < totals.length; i++) {
      totals[i] = goods[i] + shipping[i] + taxes[i];
    }
    long[] refunds = apportion(order.getRefunded(), totals);
    int me = sellers.indexOf(sellerId);
    Order.Builder share =
        withoutMoverIds(order.toBuilder())
            .clearItems()
            .addAllItems(
                order.getItemsList().stream()
                    .filter(i -> i.getSellerId().equals(sellerId))
                    .toList())
            .clearShipments()
            .addAllShipments(
                order.getShipmentsList().stream()
                    .filter(s -> s.getSellerId().equals(sellerId))
                    .toList())
            .clearCheckoutSessionId()
            .clearPaymentIntentId();
    if (me < 0) {
      return share
          .setSubtotal(0)
          .setDiscount(0)
          .setShipping(0)
          .setTax(0)
          .setTotal(0)
          .setRefunded(0)
          .build();
    }
    return share
        .setSubtotal(subtotals[me])
        .setDiscount(discounts[me])
        .setShipping(shipping[me])
        .setTax(taxes[me])
        .setTotal(totals[me])
        .setRefunded(refunds[me])
        .build();
  }

  private static Order.Builder withoutMoverIds(Order.Builder order) {
    for (int i = 0; i < order.getStatusHistoryCount(); i++) {
      StatusChange move = order.getStatusHistory(i);
      order.setStatusHistory(i, move.toBuilder().clearActor());
    }
    return order;
  }

  /**
   * Splits {@code amount} in proportion to {@code weights} in whole units (largest remainder, ties
   * to the earlier weight), so the parts add up to it exactly; equal weights when they are all
   * zero.
   */
  static long[] apportion(long amount, long[] weights) {
    long[] parts = new long[weights.length];
    if (weights.length == 0) {
      return parts;
    }
    BigInteger whole = BigInteger.ZERO;
    for (long w : weights) {
      whole = whole.add(BigInteger.valueOf(w));
    }
    boolean even = whole.signum() == 0;
    if (even) {
      whole = BigInteger.valueOf(weights.length);
    }
    BigInteger[] remainders = new BigInteger[weights.length];
    long given = 0;
    for (int i = 0; i < weights.length; i++) {
      BigInteger[] qr =
          BigInteger.valueOf(amount)
              .multiply(BigInteger.valueOf(even ? 1 : weights[i]))
              .divideAndRemainder(whole);
      parts[i] = qr[0].longValueExact();
      remainders[i] = qr[1];
      given += parts[i];
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      order.add(i);
    }
    order.sort((a, b) -> remainders[b].compareTo(remainders[a]));
    for (int k = 0; given < amount; k++) {
      parts[order.get(k)]++;
      given++;
    }
    return parts;
  }
}
