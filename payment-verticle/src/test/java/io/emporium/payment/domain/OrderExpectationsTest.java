package io.emporium.payment.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class OrderExpectationsTest {
  private static final UUID ORDER = UUID.fromString("0b5e1c9a-1111-2222-3333-444455556666");

  private static OrderExpectations withSession() {
    return new OrderExpectations().add("session_created", 6_400, "usd", "cs_1", null, null);
  }

  private static PaymentFact bySession(String session, long amount, String currency) {
    return new PaymentFact(
        PaymentFact.Kind.SUCCEEDED, ORDER, amount, currency, session, "pi_1", null, null, "evt_1");
  }

  private static PaymentFact byIntent(String intent, long amount, String currency) {
    return new PaymentFact(
        PaymentFact.Kind.SUCCEEDED, ORDER, amount, currency, null, intent, null, null, "evt_2");
  }

  private static PaymentFact refund(String intent, long amount, String currency) {
    return new PaymentFact(
        PaymentFact.Kind.REFUNDED,
        ORDER,
        amount,
        currency,
        null,
        intent,
        "re_" + amount,
        null,
        "evt_3");
  }

  @Test
  void theOrdersOwnSessionPaidInFullMatches() {
    assertThat(withSession().mismatchOf(bySession("cs_1", 6_400, "usd"), null)).isNull();
  }

  @Test
  void anotherAmountCurrencyOrSessionIsAMismatchNamingWhatDiffers() {
    assertThat(withSession().mismatchOf(bySession("cs_1", 1, "usd"), null).mismatched())
        .containsExactly("amount");
    assertThat(withSession().mismatchOf(bySession("cs_1", 6_400, "eur"), null).mismatched())
        .containsExactly("currency");
    PaymentMismatch foreign = withSession().mismatchOf(bySession("cs_other", 6_400, "usd"), null);
    assertThat(foreign.mismatched()).containsExactly("session");
    assertThat(foreign.expectedAmount()).isEqualTo(6_400);
    assertThat(foreign.expectedCurrency()).isEqualTo("usd");
    assertThat(foreign.tookMoney()).isTrue();
    assertThat(foreign.reportedKind()).isEqualTo("payment");
  }

  @Test
  void aPaymentIntentIsTheOrdersWhenItWasMadeForItOrItsSessionNamesIt() {
    OrderExpectations expected =
        withSession().add("intent_created", 6_400, "usd", null, "pi_custom", null);
    assertThat(expected.mismatchOf(byIntent("pi_custom", 6_400, "usd"), null)).isNull();
    assertThat(expected.mismatchOf(byIntent("pi_1", 6_400, "usd"), "pi_1")).isNull();
    assertThat(expected.inOrdersSession(byIntent("pi_1", 6_400, "usd"), "pi_1").sessionId())
        .isEqualTo("cs_1");
    assertThat(expected.inOrdersSession(byIntent("pi_custom", 6_400, "usd"), "pi_1").sessionId())
        .isNull();
    assertThat(expected.mismatchOf(byIntent("pi_stranger", 6_400, "usd"), "pi_1").mismatched())
        .containsExactly("intent");
    assertThat(expected.mismatchOf(byIntent("pi_stranger", 6_400, "usd"), null).mismatched())
        .containsExactly("intent");
    assertThat(expected.mismatchOf(byIntent("pi_1", 640, "usd"), "pi_1").mismatched())
        .containsExactly("amount");
  }

  @Test
  void anOrderThatExpectsNoPaymentMatchesNone() {
    PaymentMismatch none = new OrderExpectations().mismatchOf(byIntent("pi_1", 6_400, "usd"), null);
    assertThat(none.mismatched()).containsExactly("intent");
    assertThat(none.expectedAmount()).isZero();
    assertThat(none.expectedCurrency()).isNull();
    assertThat(
            new OrderExpectations().mismatchOf(bySession("cs_1", 6_400, "usd"), null).mismatched())
        .containsExactly("session");
  }

  @Test
  void refundsMayNotPassWhatWasPaidNorChangeCurrency() {
    OrderExpectations paid =
        withSession()
            .add("succeeded", 6_400, "usd", "cs_1", "pi_1", null)
            .add("refunded", 4_000, "usd", null, "pi_1", null);
    assertThat(paid.mismatchOf(refund("pi_1", 2_400, "usd"), null)).isNull();
    PaymentMismatch tooMuch = paid.mismatchOf(refund("pi_1", 2_401, "usd"), null);
    assertThat(tooMuch.mismatched()).containsExactly("amount");
    assertThat(tooMuch.expectedAmount()).as("what is left to refund").isEqualTo(2_400);
    assertThat(tooMuch.tookMoney()).isFalse();
    assertThat(tooMuch.reportedKind()).isEqualTo("refund");
    assertThat(paid.mismatchOf(refund("pi_1", 100, "eur"), null).mismatched())
        .containsExactly("currency");
    assertThat(paid.mismatchOf(refund("pi_never", 100, "usd"), null).mismatched())
        .containsExactly("intent");
  }

  @Test
  void givingBackAMismatchedPaymentIsExpected() {
    OrderExpectations expected =
        withSession().add("mismatch", 1, "usd", "cs_1", "pi_cent", "payment");
    assertThat(expected.mismatchOf(refund("pi_cent", 1, "usd"), null)).isNull();
  }

  @Test
  void failuresAndExpiriesAreNotChecked() {
    PaymentFact failed =
        new PaymentFact(
            PaymentFact.Kind.FAILED, ORDER, 1, "eur", null, "pi_x", null, "declined", "evt_4");
    assertThat(new OrderExpectations().mismatchOf(failed, null)).isNull();
  }
}
