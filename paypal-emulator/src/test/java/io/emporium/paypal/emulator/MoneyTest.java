package io.emporium.paypal.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class MoneyTest {
  private static Money parse(String currency, Object value) {
    return Money.parse(
        new JsonObject().put("currency_code", currency).put("value", value), "/amount");
  }

  private static String issue(Runnable parse) {
    try {
      parse.run();
    } catch (PayPalError e) {
      return e.status() + " " + e.issue();
    }
    throw new AssertionError("accepted");
  }

  @Test
  void valuesHaveTheCurrencysDecimals() {
    assertThat(parse("USD", "12.3")).isEqualTo(new Money("USD", 1230));
    assertThat(parse("USD", "12.3").value()).isEqualTo("12.30");
    assertThat(parse("EUR", "7").value()).isEqualTo("7.00");
    assertThat(parse("JPY", "1200").value()).isEqualTo("1200");
    assertThat(parse("USD", ".5").minor()).isEqualTo(50);
  }

  @Test
  void badAmountsGetPayPalsIssues() {
    assertThat(issue(() -> parse("USD", "1.001"))).isEqualTo("422 DECIMAL_PRECISION");
    assertThat(issue(() -> parse("JPY", "100.5"))).isEqualTo("422 DECIMAL_PRECISION");
    assertThat(issue(() -> parse("USD", "0.00"))).isEqualTo("422 CANNOT_BE_ZERO_OR_NEGATIVE");
    assertThat(issue(() -> parse("USD", "-1"))).isEqualTo("422 CANNOT_BE_ZERO_OR_NEGATIVE");
    assertThat(issue(() -> parse("XYZ", "1.00"))).isEqualTo("422 CURRENCY_NOT_SUPPORTED");
    assertThat(issue(() -> parse("USD", "1e3"))).isEqualTo("400 INVALID_PARAMETER_SYNTAX");
    assertThat(issue(() -> parse("USD", 12.3))).isEqualTo("400 INVALID_PARAMETER_SYNTAX");
    assertThat(issue(() -> parse("usd1", "1"))).isEqualTo("400 INVALID_PARAMETER_SYNTAX");
    assertThat(issue(() -> parse("USD", "1".repeat(20)))).isEqualTo("400 INVALID_PARAMETER_VALUE");
    assertThatThrownBy(() -> Money.parse(new JsonObject().put("value", "1"), "/amount"))
        .isInstanceOf(PayPalError.class)
        .hasFieldOrPropertyWithValue("status", 400);
  }
}
