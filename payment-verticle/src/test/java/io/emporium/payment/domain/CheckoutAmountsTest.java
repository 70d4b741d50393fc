package io.emporium.payment.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.proto.payment.v1.CheckoutLine;
import io.emporium.proto.payment.v1.CheckoutSessionRequest;
import org.junit.jupiter.api.Test;

class CheckoutAmountsTest {
  private static CheckoutSessionRequest.Builder request() {
    return CheckoutSessionRequest.newBuilder()
        .setOrderId("0b5e1c9a-0000-0000-0000-000000000000")
        .setCurrency("usd")
        .addLines(CheckoutLine.newBuilder().setName("Mug").setUnitAmount(1_000).setQuantity(3))
        .setTotal(3_000)
        .setSuccessUrl("https://s.example/ok")
        .setCancelUrl("https://s.example/no");
  }

  @Test
  void theTotalMustBeWhatTheLinesAndAdjustmentsComeTo() {
    assertThat(CheckoutAmounts.validate(request().build())).isEmpty();
    assertThat(CheckoutAmounts.validate(request().setTotal(2_999).build()))
        .extracting(e -> e.field())
        .containsExactly("total");
    assertThat(
            CheckoutAmounts.validate(
                request().setDiscount(300).setShipping(500).setTax(200).setTotal(3_400).build()))
        .isEmpty();
  }

  @Test
  void adjustmentsSendOneLineCarryingTheTotal() {
    assertThat(CheckoutAmounts.linesForStripe(request().build()))
        .hasSize(1)
        .first()
        .satisfies(l -> assertThat(l.getUnitAmount()).isEqualTo(1_000));
    assertThat(CheckoutAmounts.linesForStripe(request().setDiscount(300).setTotal(2_700).build()))
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.getUnitAmount()).isEqualTo(2_700);
              assertThat(l.getQuantity()).isEqualTo(1);
              assertThat(l.getName()).isEqualTo("Order 0b5e1c9a");
            });
  }
}
