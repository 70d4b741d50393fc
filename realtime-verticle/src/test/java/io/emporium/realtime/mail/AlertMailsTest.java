package io.emporium.realtime.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.proto.events.v1.CatalogEvent;
import io.emporium.proto.events.v1.PaymentEvent;
import io.emporium.proto.events.v1.PaymentFailed;
import io.emporium.proto.events.v1.StockChanged;
import io.emporium.realtime.domain.Recipient;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AlertMailsTest {
  private final AlertMails mails = new AlertMails("https://shop.example");

  @Test
  void theLowStockMailTellsTheSellerWhatIsLeftAndTheirThreshold() {
    Recipient seller = new Recipient(UUID.randomUUID(), "sam@example.com", "Sam", "seller", true);
    CatalogEvent low =
        CatalogEvent.newBuilder()
            .setProductId("p-1")
            .setStockLow(
                StockChanged.newBuilder()
                    .setSku("CANDLE-<1>")
                    .setSellerId(seller.userId().toString())
                    .setAvailable(2)
                    .setThreshold(3))
            .build();
    Mail mail = mails.lowStock(low, seller);
    assertThat(mail.to()).isEqualTo("sam@example.com");
    assertThat(mail.subject()).isEqualTo("Low stock: CANDLE-<1> has 2 left");
    assertThat(mail.text())
        .contains("CANDLE-<1> is down to 2 available")
        .contains("threshold of 3")
        .contains("https://shop.example/products/p-1");
    assertThat(mail.html()).contains("CANDLE-&lt;1&gt;").doesNotContain("CANDLE-<1>");
  }

  @Test
  void theFailedPaymentMailGivesTheAdminTheOrderAmountAndReason() {
    Recipient admin = new Recipient(UUID.randomUUID(), "root@example.com", "Root", "admin", true);
    PaymentEvent failed =
        PaymentEvent.newBuilder()
            .setOrderId("o-1")
            .setOccurredAt("2026-11-22T10:00:00Z")
            .setFailed(
                PaymentFailed.newBuilder()
                    .setAmount(6_400)
                    .setCurrency("usd")
                    .setReason("Your card was declined.")
                    .setPaymentIntentId("pi_9")
                    .setSessionId("cs_9"))
            .build();
    Mail mail = mails.paymentFailed(failed, admin);
    assertThat(mail.to()).isEqualTo("root@example.com");
    assertThat(mail.subject()).contains("o-1");
    assertThat(mail.text())
        .contains("payment of 64.00 USD for order o-1 failed on 22 November 2026, 10:00 UTC.")
        .contains("Reason: Your card was declined.")
        .contains("pi_9");
    assertThat(mail.html()).contains("64.00 USD").contains("Your card was declined.");
  }
}
