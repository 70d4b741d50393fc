package io.emporium.payment.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.payment.client.PaymentProvider.CheckoutState;
import io.emporium.payment.domain.PaymentFact;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PayPalFactsTest {
  private static final UUID ORDER = UUID.fromString("0b5e1c9a-1111-2222-3333-444455556666");

  private static JsonObject money(String value) {
    return new JsonObject().put("currency_code", "USD").put("value", value);
  }

  private static JsonObject order(String status, JsonArray captures) {
    JsonObject unit =
        new JsonObject()
            .put("reference_id", "default")
            .put("custom_id", ORDER.toString())
            .put("amount", money("64.00"));
    if (captures != null) {
      unit.put("payments", new JsonObject().put("captures", captures));
    }
    return new JsonObject()
        .put("id", "PAYPAL-ORDER-1")
        .put("status", status)
        .put("purchase_units", new JsonArray().add(unit));
  }

  @Test
  void anApprovedOrderIsStillOpen() {
    CheckoutState state = PayPalFacts.ofOrder(order("APPROVED", null), null);
    assertThat(state.status()).isEqualTo(CheckoutState.OPEN);
    assertThat(state.orderId()).isEqualTo(ORDER);
    assertThat(state.amount()).isEqualTo(6400);
    assertThat(state.facts()).isEmpty();
  }

  @Test
  void aCompletedCaptureIsTheOrdersPaymentInMinorUnits() {
    JsonArray captures =
        new JsonArray()
            .add(
                new JsonObject()
                    .put("id", "CAP-1")
                    .put("status", "COMPLETED")
                    .put("amount", money("64.00")));
    CheckoutState state = PayPalFacts.ofOrder(order("COMPLETED", captures), null);
    assertThat(state.status()).isEqualTo(CheckoutState.PAID);
    assertThat(state.paymentId()).isEqualTo("CAP-1");
    assertThat(state.facts())
        .containsExactly(
            new PaymentFact(
                PaymentFact.Kind.SUCCEEDED,
                ORDER,
                6400,
                "usd",
                "PAYPAL-ORDER-1",
                "CAP-1",
                null,
                null,
                null));
  }

  @Test
  void aCaptureUnderReviewIsPendingNotOpen() {
    JsonArray captures =
        new JsonArray()
            .add(
                new JsonObject()
                    .put("id", "CAP-3")
                    .put("status", "PENDING")
                    .put("status_details", new JsonObject().put("reason", "PENDING_REVIEW"))
                    .put("amount", money("64.00")));
    CheckoutState state = PayPalFacts.ofOrder(order("COMPLETED", captures), null);
    assertThat(state.status()).isEqualTo(CheckoutState.PENDING);
    assertThat(state.orderId()).isEqualTo(ORDER);
    assertThat(state.facts()).as("nothing is paid until the capture completes").isEmpty();
  }

  @Test
  void aDeclinedCaptureFailsTheCheckout() {
    JsonArray captures =
        new JsonArray()
            .add(
                new JsonObject()
                    .put("id", "CAP-2")
                    .put("status", "DECLINED")
                    .put("amount", money("64.00")));
    CheckoutState state = PayPalFacts.ofOrder(order("COMPLETED", captures), null);
    assertThat(state.status()).isEqualTo(CheckoutState.FAILED);
    assertThat(state.facts())
        .singleElement()
        .extracting(PaymentFact::kind)
        .isEqualTo(PaymentFact.Kind.FAILED);
  }

  @Test
  void aRefundWeAskedForIsToldApartByItsInvoiceId() {
    JsonObject refund =
        new JsonObject()
            .put("id", "REF-1")
            .put("status", "COMPLETED")
            .put("amount", money("10.00"))
            .put("invoice_id", PayPalFacts.OUR_REFUND + "abc")
            .put("custom_id", ORDER.toString())
            .put(
                "links",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("rel", "up")
                            .put("href", "https://api-m.paypal.com/v2/payments/captures/CAP-1")));
    JsonObject event =
        new JsonObject()
            .put("id", "WH-1")
            .put("event_type", PayPalFacts.CAPTURE_REFUNDED)
            .put("resource", refund);
    assertThat(PayPalFacts.orderOfRefund(event)).isEqualTo(ORDER);
    PaymentFact fact = PayPalFacts.ofRefundEvent(event, ORDER).get(0);
    assertThat(fact.paymentIntentId()).isEqualTo("CAP-1");
    assertThat(fact.amount()).isEqualTo(1000);
    assertThat(fact.requested()).isTrue();
    refund.remove("invoice_id");
    assertThat(PayPalFacts.ofRefundEvent(event, ORDER).get(0).requested()).isFalse();
  }
}
