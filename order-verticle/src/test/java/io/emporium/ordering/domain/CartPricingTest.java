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
    return VariantOffer.newBuilder().setSku(sku).setProductId("p").setProductName("Mug").setPrice(price).setCurrency("usd")
        .setAvailable(available).setPurchasable(purchasable).build();
  }

  @Test
  void linesArePricedNowAndTotalsAreWholeMinorUnits() {
    Cart cart = CartPricing.price("c", "usd", List.of(new Line("1", "p", "A", "Mug", 1_000, 3), new Line("2", "p", "B", "Mug", 250, 2)),
        Map.of("A", offer("A", 1_000, 9, true), "B", offer("B", 300, 9, true)));
    assertThat(cart.getItems(1).getLineTotal()).isEqualTo(600);
    assertThat(cart.getSubtotal()).isEqualTo(3_600);
    assertThat(cart.getWarningsList()).containsExactly("The price of Mug (B) changed from 250 to 300.");
  }

  @Test
  void shortStockAndWithdrawnVariantsAreKeptWithAWarning() {
    Cart cart = CartPricing.price("c", "usd", List.of(new Line("1", "p", "A", "Mug", 1_000, 3), new Line("2", "p", "B", "Mug", 500, 1),
            new Line("3", "p", "C", "Mug", 700, 1)),
        Map.of("A", offer("A", 1_000, 2, true), "B", offer("B", 500, 5, false)));
    assertThat(cart.getItemsCount()).isEqualTo(3);
    assertThat(cart.getItems(0).getAvailable()).isEqualTo(2);
    assertThat(cart.getItems(1).getAvailable()).isZero();
    assertThat(cart.getWarningsList()).containsExactly("Only 2 of Mug (A) are available; the cart holds 3.",
        "Mug (B) is no longer sold.", "Mug (C) is no longer sold.");
  }
}
