package io.emporium.realtime.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.proto.events.v1.OrderEvent;
import io.emporium.proto.events.v1.OrderLine;
import io.emporium.proto.events.v1.OrderPaid;
import io.emporium.proto.events.v1.OrderPlaced;
import io.emporium.proto.events.v1.OrderRefunded;
import io.emporium.proto.events.v1.OrderShipped;
import io.emporium.realtime.domain.Recipient;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OrderMailsTest {
  private static final String ORDER = "1a2b3c4d-0000-4000-8000-000000000001";
  private static final Recipient ANN =
      new Recipient(UUID.randomUUID(), "ann@example.com", "Ann <b>", "customer", true);
  private final OrderMails mails = new OrderMails("https://shop.example/");

  private static OrderEvent.Builder event() {
    return OrderEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setOccurredAt("2026-11-22T10:00:00Z")
        .setOrderId(ORDER)
        .setCustomerId(ANN.userId().toString());
  }

  private static OrderLine line(String name, String sku, int quantity, long unitPrice) {
    return OrderLine.newBuilder()
        .setName(name)
        .setSku(sku)
        .setQuantity(quantity)
        .setUnitPrice(unitPrice)
        .build();
  }

  private static OrderEvent paid() {
    return event()
        .setStatus("paid")
        .setOrderPaid(
            OrderPaid.newBuilder()
                .setCurrency("usd")
                .setTotal(1_234_550)
                .setPaymentIntentId("pi_123")
                .addLines(line("Walnut bowl", "WB-1", 2, 2_500))
                .addLines(line("Tea & <cups>", "TC-9", 1, 1_229_550)))
        .build();
  }

  @Test
  void aGuestIsMailedTheLinkThatReadsTheirOrderWithItsToken() {
    OrderEvent placed =
        OrderEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setOccurredAt("2026-11-22T10:00:00Z")
            .setOrderId(ORDER)
            .setGuestEmail("guest@example.com")
            .setStatus("pending_payment")
            .setOrderPlaced(
                OrderPlaced.newBuilder()
                    .setCurrency("usd")
                    .setTotal(5_000)
                    .setOrderToken("tok_-123")
                    .addLines(line("Walnut bowl", "WB-1", 2, 2_500)))
            .build();
    Mail mail =
        mails.guestLink(
            placed, new Recipient(null, "guest@example.com", "there", "customer", true));
    assertThat(mail.to()).isEqualTo("guest@example.com");
    assertThat(mail.subject()).contains("1a2b3c4d");
    String link = "https://shop.example/orders/" + ORDER + "?orderToken=tok_-123";
    assertThat(mail.text()).contains(link).contains("Total: 50.00 USD");
    assertThat(mail.html()).contains(link);
  }

  @Test
  void theConfirmationListsEachItemWithItsQuantityAndTheTotal() {
    Mail mail = mails.confirmation(paid(), ANN);
    assertThat(mail.to()).isEqualTo("ann@example.com");
    assertThat(mail.subject()).contains("1a2b3c4d").contains("confirmed");
    assertThat(mail.text())
        .contains("2 x Walnut bowl (WB-1) at 25.00 USD = 50.00 USD")
        .contains("1 x Tea & <cups> (TC-9) at 12,295.50 USD")
        .contains("Total: 12,345.50 USD")
        .contains("https://shop.example/orders/" + ORDER)
        .contains("Ann <b>");
    assertThat(mail.html())
        .contains("Walnut bowl")
        .contains("50.00 USD")
        .contains("12,345.50 USD")
        .contains("Tea &amp; &lt;cups&gt;")
        .doesNotContain("<cups>")
        .contains("Ann &lt;b&gt;")
        .doesNotContain("Ann <b>");
  }

  @Test
  void theReceiptStatesTheAmountPaidAndCitesThePayment() {
    Mail mail = mails.receipt(paid(), ANN);
    assertThat(mail.subject()).contains("receipt").contains("12,345.50 USD");
    assertThat(mail.text())
        .contains(
            "payment of 12,345.50 USD for order " + ORDER + " on 22 November 2026, 10:00 UTC.")
        .contains("Payment reference: pi_123")
        .contains("https://shop.example/orders/" + ORDER + "/invoice");
    assertThat(mail.html())
        .contains("12,345.50 USD")
        .contains("pi_123")
        .contains("on 22 November 2026, 10:00 UTC.")
        .doesNotContain("2026-11-22T10:00:00Z");
  }

  @Test
  void theShippedMailGivesTheCarrierTrackingNumberAndTheLinesThatShipped() {
    OrderEvent shipped =
        event()
            .setStatus("processing")
            .setShipped(
                OrderShipped.newBuilder()
                    .setCarrier("DHL")
                    .setTrackingNumber("JD<014>")
                    .addLines(line("Walnut bowl", "WB-1", 2, 2_500)))
            .build();
    Mail mail = mails.shipped(shipped, ANN);
    assertThat(mail.subject()).contains("shipped");
    assertThat(mail.text())
        .contains("left with DHL")
        .contains("Tracking number: JD<014>")
        .contains("2 x Walnut bowl (WB-1)")
        .doesNotContain("USD");
    assertThat(mail.html()).contains("JD&lt;014&gt;").contains("Walnut bowl");
  }

  @Test
  void theRefundMailGivesThisRefundAndTheTotalRefundedSoFar() {
    OrderEvent refunded =
        event()
            .setStatus("paid")
            .setRefunded(
                OrderRefunded.newBuilder()
                    .setRefundId("re_7")
                    .setAmount(1_000)
                    .setRefundedTotal(3_000)
                    .setCurrency("eur"))
            .build();
    Mail mail = mails.refunded(refunded, ANN);
    assertThat(mail.subject()).isEqualTo("Refund of 10.00 EUR for order 1a2b3c4d");
    assertThat(mail.text())
        .contains("We refunded 10.00 EUR")
        .contains("Refunded so far: 30.00 EUR")
        .contains("re_7");
    assertThat(mail.html()).contains("10.00 EUR").contains("30.00 EUR");
  }

  @Test
  void moneyFollowsTheCurrencysMinorUnits() {
    assertThat(Money.format(1_200, "jpy")).isEqualTo("1,200 JPY");
    assertThat(Money.format(5, "usd")).isEqualTo("0.05 USD");
    assertThat(Money.format(1_234, "kwd")).isEqualTo("1.234 KWD");
    assertThat(Money.format(1_234, "zzz"))
        .as("an unknown currency reads as cents")
        .isEqualTo("12.34 ZZZ");
  }
}
