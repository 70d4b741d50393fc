package io.emporium.ordering.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.ordering.domain.CartPricing.Line;
import io.emporium.proto.catalog.v1.VariantOffer;
import io.emporium.proto.ordering.v1.Cart;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CartPricingTest {

  private static VariantOffer offer(String sku, long price, int available, boolean purchasable) {
    return VariantOffer.newBuilder()
        .setSku(sku)
        .setProductId("p")
        .setProductName("Mug")
        .setPrice(price)
        .setCurrency("usd")
        .setAvailable(available)
        .setPurchasable(purchasable)
        .build();
  }

  @Test
  void linesArePricedNowAndTotalsAreWholeMinorUnits() {
    Cart cart =
        CartPricing.price(
            "c",
            "usd",
            List.of(
                new Line("1", "p", "A", "Mug", 1_000, 3), new Line("2", "p", "B", "Mug", 250, 2)),
            Map.of("A", offer("A", 1_000, 9, true), "B", offer("B", 300, 9, true)));
    assertThat(cart.getItems(1).getLineTotal()).isEqualTo(600);
    assertThat(cart.getSubtotal()).isEqualTo(3_600);
    assertThat(cart.getWarningsList())
        .containsExactly("The price of Mug (B) changed from 250 to 300.");
  }

  @Test
  void shortStockAndWithdrawnVariantsAreKeptWithAWarning() {
    Cart cart =
        CartPricing.price(
            "c",
            "usd",
            List.of(
                new Line("1", "p", "A", "Mug", 1_000, 3),
                new Line("2", "p", "B", "Mug", 500, 1),
                new Line("3", "p", "C", "Mug", 700, 1)),
            Map.of("A", offer("A", 1_000, 2, true), "B", offer("B", 500, 5, false)));
    assertThat(cart.getItemsCount()).isEqualTo(3);
    assertThat(cart.getItems(0).getAvailable()).isEqualTo(2);
    assertThat(cart.getItems(1).getAvailable()).isZero();
    assertThat(cart.getWarningsList())
        .containsExactly(
            "Only 2 of Mug (A) are available; the cart holds 3.",
            "Mug (B) is no longer sold.",
            "Mug (C) is no longer sold.");
  }

  @Test
  void anOrderTakesTheCatalogsPricesAndSellers() {
    VariantOffer a =
        offer("A", 1_200, 9, true).toBuilder().setSellerId("s1").setProductId("pA").build();
    CartPricing.OrderLines lines =
        CartPricing.forOrder(
            "usd", List.of(new Line("1", "p", "A", "Old mug", 1_000, 3)), Map.of("A", a));
    assertThat(lines.unsold()).isEmpty();
    assertThat(lines.subtotal()).isEqualTo(3_600);
    assertThat(lines.items())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.getUnitPrice()).isEqualTo(1_200);
              assertThat(i.getLineTotal()).isEqualTo(3_600);
              assertThat(i.getSellerId()).isEqualTo("s1");
              assertThat(i.getProductId()).isEqualTo("pA");
              assertThat(i.getName()).isEqualTo("Mug");
            });
  }

  @Test
  void anOrderRefusesLinesNoLongerSoldOrSoldInAnotherCurrency() {
    VariantOffer euros = offer("B", 500, 9, true).toBuilder().setCurrency("eur").build();
    CartPricing.OrderLines lines =
        CartPricing.forOrder(
            "usd",
            List.of(
                new Line("1", "p", "A", "Mug", 1_000, 1),
                new Line("2", "p", "B", "Cup", 500, 1),
                new Line("3", "p", "C", "Jug", 700, 1),
                new Line("4", "p", "D", "Pot", 900, 2)),
            Map.of("A", offer("A", 1_000, 0, false), "B", euros, "D", offer("D", 900, 9, true)));
    assertThat(lines.unsold())
        .extracting(e -> e.field() + ": " + e.message())
        .containsExactly(
            "items.A: Mug is no longer sold",
            "items.B: Cup is no longer sold",
            "items.C: Jug is no longer sold");
    assertThat(lines.items()).extracting(i -> i.getSku()).containsExactly("D");
    assertThat(lines.subtotal()).isEqualTo(1_800);
  }
}
