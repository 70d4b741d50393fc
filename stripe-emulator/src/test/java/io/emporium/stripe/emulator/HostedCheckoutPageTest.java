package io.emporium.stripe.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostedCheckoutPageTest {

  private static CheckoutSession session(String currency, long unitAmount) {
    return new CheckoutSession(
        "cs_test_1",
        0,
        1,
        "http://127.0.0.1/c/pay/cs_test_1",
        "https://shop.example/ok",
        null,
        null,
        null,
        Map.of(),
        Map.of(),
        List.of(new CheckoutSession.LineItem("li_1", "<b>Mug</b>", currency, unitAmount, 2)));
  }

  @Test
  void amountsShowMajorUnitsExceptForZeroDecimalCurrencies() {
    assertThat(HostedCheckoutPage.amount(session("usd", 1505))).isEqualTo("30.10 USD");
    assertThat(HostedCheckoutPage.amount(session("jpy", 1505))).isEqualTo("3010 JPY");
  }
}
