package io.emporium.stripe.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TestCardsTest {

  @Test
  void stripesTestNumbersAreKnownAsTypedWithSpacesOrDashes() {
    assertThat(TestCards.byNumber("4242 4242 4242 4242"))
        .hasValueSatisfying(c -> assertThat(c.pays()).isTrue());
    assertThat(TestCards.byNumber("4000-0000-0000-0002"))
        .hasValueSatisfying(
            c -> {
              assertThat(c.pays()).isFalse();
              assertThat(c.errorCode()).isEqualTo("card_declined");
              assertThat(c.declineCode()).isEqualTo("generic_decline");
            });
    assertThat(TestCards.byNumber("4242 4242 4242 4241")).isEmpty();
    assertThat(TestCards.byNumber(null)).isEmpty();
  }

  @Test
  void testPaymentMethodsNameTheSameCards() {
    assertThat(TestCards.byPaymentMethod("pm_card_visa").orElseThrow().number())
        .isEqualTo("4242424242424242");
    assertThat(TestCards.byPaymentMethod("pm_card_chargeDeclined").orElseThrow().number())
        .isEqualTo("4000000000000002");
    assertThat(TestCards.byPaymentMethod("pm_card_visa_chargeDeclined").orElseThrow().number())
        .isEqualTo("4000000000000002");
    assertThat(TestCards.byPaymentMethod("pm_123")).isEmpty();
  }
}
