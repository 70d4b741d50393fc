package io.emporium.ordering.domain;

import io.emporium.common.problem.ApiProblem.FieldError;
import io.emporium.proto.catalog.v1.VariantOffer;
import io.emporium.proto.ordering.v1.Cart;
import io.emporium.proto.ordering.v1.CartItem;
import io.emporium.proto.ordering.v1.OrderItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A cart as the catalog prices it now: current prices and availability, what changed since the
 * items went in, and the lines an order takes from it at checkout. Pure.
 */
public final class CartPricing {
  public static final int MAX_QUANTITY = 999;
  public static final int MAX_ITEMS = 100;

  private CartPricing() {}

  /** A stored cart line: what the customer saw when they added it. */
  public record Line(
      String id, String productId, String sku, String name, long unitPrice, int quantity) {}

  /**
   * An order's lines priced at checkout, their subtotal, and the lines the catalog no longer sells
   * in the cart's currency.
   */
  public record OrderLines(List<OrderItem> items, long subtotal, List<FieldError> unsold) {}

  /**
   * Prices the lines with the offers (by sku): a changed price is shown with a warning, a variant
   * no longer sold or short of stock is kept with a warning (checkout refuses it), and totals are
   * in minor units.
   */
  public static Cart price(
      String cartId, String currency, List<Line> lines, Map<String, VariantOffer> offers) {
    Cart.Builder cart = Cart.newBuilder().setId(cartId).setCurrency(currency);
    long subtotal = 0;
    for (Line line : lines) {
      VariantOffer offer = offers.get(line.sku());
      long price = offer == null ? line.unitPrice() : offer.getPrice();
      int available =
          offer == null || !offer.getPurchasable() ? 0 : Math.max(0, offer.getAvailable());
      String name = offer == null ? line.name() : offer.getProductName();
      if (offer == null || !offer.getPurchasable()) {
        cart.addWarnings(name + " (" + line.sku() + ") is no longer sold.");
      } else if (price != line.unitPrice()) {
        cart.addWarnings(
            "The price of "
                + name
                + " ("
                + line.sku()
                + ") changed from "
                + line.unitPrice()
                + " to "
                + price
                + ".");
      }
      if (offer != null && offer.getPurchasable() && available < line.quantity()) {
        cart.addWarnings(
            available == 0
                ? name + " (" + line.sku() + ") is out of stock."
                : "Only "
                    + available
                    + " of "
                    + name
                    + " ("
                    + line.sku()
                    + ") are available; the cart holds "
                    + line.quantity()
                    + ".");
      }
      long lineTotal = lineTotal(price, line.quantity());
      subtotal = Math.addExact(subtotal, lineTotal);
      cart.addItems(
          CartItem.newBuilder()
              .setId(line.id())
              .setProductId(line.productId())
              .setSku(line.sku())
              .setName(name)
              .setUnitPrice(price)
              .setQuantity(line.quantity())
              .setLineTotal(lineTotal)
              .setAvailable(available));
    }
    return cart.setSubtotal(subtotal).setTotal(subtotal).build();
  }

  /**
   * The lines an order is made of, at the catalog's prices now, each with its seller; a line whose
   * variant is no longer sold, or not in the cart's currency, is named in {@code unsold} (checkout
   * refuses the cart until it is removed).
   */
  public static OrderLines forOrder(
      String currency, List<Line> lines, Map<String, VariantOffer> offers) {
    List<OrderItem> items = new ArrayList<>();
    List<FieldError> unsold = new ArrayList<>();
    long subtotal = 0;
    for (Line line : lines) {
      VariantOffer offer = offers.get(line.sku());
      if (offer == null || !offer.getPurchasable() || !offer.getCurrency().equals(currency)) {
        unsold.add(new FieldError("items." + line.sku(), line.name() + " is no longer sold"));
        continue;
      }
      long lineTotal = lineTotal(offer.getPrice(), line.quantity());
      subtotal = Math.addExact(subtotal, lineTotal);
      items.add(
          OrderItem.newBuilder()
              .setProductId(offer.getProductId())
              .setSku(offer.getSku())
              .setName(offer.getProductName())
              .setSellerId(offer.getSellerId())
              .setUnitPrice(offer.getPrice())
              .setQuantity(line.quantity())
              .setLineTotal(lineTotal)
              .build());
    }
    return new OrderLines(List.copyOf(items), subtotal, List.copyOf(unsold));
  }

  /** A line's total in minor units; one too large for a long is refused rather than wrapped. */
  private static long lineTotal(long unitPrice, int quantity) {
    return Math.multiplyExact(unitPrice, quantity);
  }
}
