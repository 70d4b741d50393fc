package io.emporium.ordering.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.proto.ordering.v1.Discount;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DiscountRulesTest {
  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

  private static Discount.Builder code() {
    return Discount.newBuilder().setCode("SAVE").setType("percent").setValue(10).setCurrency("usd");
  }

  @Test
  void aPercentageIsRoundedDownToWholeMinorUnitsAndNeverExceedsTheSubtotal() {
    assertThat(DiscountRules.amount(code().build(), 1_999)).isEqualTo(199);
    assertThat(DiscountRules.amount(code().setType("fixed").setValue(5_000).build(), 1_200))
        .isEqualTo(1_200);
  }

  @Test
  void theWindowUsesMinimumAndCustomerLimitDecideWhetherACodeApplies() {
    assertThat(DiscountRules.refusal(code().build(), NOW, 100, "usd", null)).isEmpty();
    assertThat(
            DiscountRules.refusal(
                code().setEndsAt("2026-11-22T12:00:00Z").build(), NOW, 100, "usd", null))
        .contains("has expired");
    assertThat(
            DiscountRules.refusal(
                code().setStartsAt("2026-11-23T00:00:00Z").build(), NOW, 100, "usd", null))
        .contains("is not valid yet");
    assertThat(
            DiscountRules.refusal(code().setMaxUses(3).setUses(3).build(), NOW, 100, "usd", null))
        .contains("has been used up");
    assertThat(DiscountRules.refusal(code().setMinSubtotal(500).build(), NOW, 499, "usd", null))
        .contains("needs a subtotal of at least 500");
    assertThat(DiscountRules.refusal(code().setPerUserLimit(1).build(), NOW, 100, "usd", null))
        .contains("is for signed-in customers");
    assertThat(DiscountRules.refusal(code().setPerUserLimit(1).build(), NOW, 100, "usd", 1))
        .isPresent();
    assertThat(
            DiscountRules.refusal(
                code().setType("fixed").setValue(100).build(), NOW, 1_000, "eur", null))
        .contains("is for usd carts");
  }

  @Test
  void percentagesStayWithinAHundredAndWindowsRunForwards() {
    assertThat(DiscountRules.validate(code().setValue(101).build()))
        .extracting(e -> e.field())
        .containsExactly("value");
    assertThat(
            DiscountRules.validate(
                code()
                    .setStartsAt("2026-12-01T00:00:00Z")
                    .setEndsAt("2026-11-01T00:00:00Z")
                    .build()))
        .extracting(e -> e.field())
        .containsExactly("endsAt");
  }
}
