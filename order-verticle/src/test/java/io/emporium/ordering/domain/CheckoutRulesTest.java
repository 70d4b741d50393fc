package io.emporium.ordering.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emporium.common.config.ConfigException;
import io.emporium.ordering.domain.CheckoutRules.Totals;
import org.junit.jupiter.api.Test;

class CheckoutRulesTest {
  private final CheckoutRules rules = CheckoutRules.of(499, 5_000, "DE:19, GB:20, US:8.25, *:0");

  @Test
  void flatRateShippingIsWaivedOnceTheDiscountedSubtotalReachesTheThreshold() {
    assertThat(rules.totals(4_999, 0, "FR").shipping()).isEqualTo(499);
    assertThat(rules.totals(5_000, 0, "FR").shipping()).isZero();
    assertThat(rules.totals(6_000, 1_001, "FR").shipping())
        .as("the threshold counts what is paid for goods")
        .isEqualTo(499);
  }

  @Test
  void taxIsTheDestinationRateOfTheDiscountedGoodsRoundedHalfUpAndShippingIsNotTaxed() {
    Totals de = rules.totals(1_000, 100, "de");
    assertThat(de.tax()).isEqualTo(171);
    assertThat(de.total()).isEqualTo(1_000 - 100 + 499 + 171);
    assertThat(rules.totals(1_000, 0, "US").tax()).as("82.5 rounds up").isEqualTo(83);
    assertThat(rules.totals(1_000, 0, "JP").tax())
        .as("countries not listed take the * rate")
        .isZero();
  }

  @Test
  void totalsAlwaysAddUp() {
    for (long subtotal : new long[] {0, 1, 999, 5_000, 123_457}) {
      Totals t = rules.totals(subtotal, subtotal / 3, "GB");
      assertThat(t.total()).isEqualTo(t.subtotal() - t.discount() + t.shipping() + t.tax());
    }
  }

  @Test
  void malformedTaxRatesAreAConfigurationError() {
    assertThatThrownBy(() -> CheckoutRules.of(0, 0, "Germany:19"))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> CheckoutRules.of(0, 0, "DE:nineteen"))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> CheckoutRules.of(0, 0, "DE:150")).isInstanceOf(ConfigException.class);
  }
}
