package io.emporium.realtime.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class MailKindTest {
  private final UUID event = UUID.fromString("0b9e7a7e-3d2c-4a53-9a1e-5f1f1f1f1f1f");

  @Test
  void everyAttemptOfOneMailCarriesTheSameMessageId() {
    String id = MailKind.ORDER_CONFIRMATION.messageId(event, "Ann@Example.com");
    assertThat(id)
        .isEqualTo(MailKind.ORDER_CONFIRMATION.messageId(event, "ann@example.com"))
        .matches(
            "<0b9e7a7e-3d2c-4a53-9a1e-5f1f1f1f1f1f\\.order_confirmation\\.[0-9a-f]{16}@emporium>");
  }

  @Test
  void anotherKindOrRecipientOfTheSameEventIsAnotherMail() {
    String id = MailKind.ORDER_CONFIRMATION.messageId(event, "ann@example.com");
    assertThat(MailKind.PAYMENT_RECEIPT.messageId(event, "ann@example.com")).isNotEqualTo(id);
    assertThat(MailKind.ORDER_CONFIRMATION.messageId(event, "bob@example.com")).isNotEqualTo(id);
  }
}
