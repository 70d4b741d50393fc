package io.emporium.payment.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PayPalAmountsTest {
  @Test
  void centsBecomeTwoDecimals() {
    assertThat(PayPalAmounts.toPayPal(1234, "usd")).isEqualTo("12.34");
    assertThat(PayPalAmounts.toPayPal(5, "eur")).isEqualTo("0.05");
    assertThat(PayPalAmounts.toPayPal(100, "usd")).isEqualTo("1.00");
  }

  @Test
  void yenHasNoDecimals() {
    assertThat(PayPalAmounts.exponent("jpy")).isZero();
    assertThat(PayPalAmounts.toPayPal(500, "jpy")).isEqualTo("500");
    assertThat(PayPalAmounts.toMinor("500", "JPY")).isEqualTo(500L);
    assertThat(PayPalAmounts.toMinor("500.5", "JPY")).isNull();
  }

  @Test
  void forintsAndTaiwanDollarsAreWholeAtPayPal() {
    assertThat(PayPalAmounts.toPayPal(1200, "huf")).isEqualTo("1200");
    assertThat(PayPalAmounts.toPayPal(99, "twd")).isEqualTo("99");
  }

  @Test
  void threeDecimalCurrenciesKeepThree() {
    assertThat(PayPalAmounts.toPayPal(1234, "kwd")).isEqualTo("1.234");
    assertThat(PayPalAmounts.toMinor("1.234", "KWD")).isEqualTo(1234L);
  }

  @Test
  void decimalsComeBackAsMinorUnits() {
    assertThat(PayPalAmounts.toMinor("12.34", "USD")).isEqualTo(1234L);
    assertThat(PayPalAmounts.toMinor("12.3", "USD")).isEqualTo(1230L);
    assertThat(PayPalAmounts.toMinor("12", "USD")).isEqualTo(1200L);
    assertThat(PayPalAmounts.toMinor("0.00", "USD")).isZero();
  }

  @Test
  void whatIsNotPayPalMoneyIsRefused() {
    assertThat(PayPalAmounts.toMinor("12.345", "USD")).isNull();
    assertThat(PayPalAmounts.toMinor("-1.00", "USD")).isNull();
    assertThat(PayPalAmounts.toMinor("1e3", "USD")).isNull();
    assertThat(PayPalAmounts.toMinor("", "USD")).isNull();
    assertThat(PayPalAmounts.toMinor(null, "USD")).isNull();
  }

  @Test
  void currenciesChangeCaseBetweenUsAndPayPal() {
    assertThat(PayPalAmounts.currencyCode("usd")).isEqualTo("USD");
    assertThat(PayPalAmounts.currency("USD")).isEqualTo("usd");
  }
}
