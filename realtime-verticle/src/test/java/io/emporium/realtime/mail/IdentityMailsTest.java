package io.emporium.realtime.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.proto.events.v1.EmailVerificationRequested;
import io.emporium.proto.events.v1.PasswordResetRequested;
import org.junit.jupiter.api.Test;

class IdentityMailsTest {
  private final IdentityMails mails = new IdentityMails("https://shop.example/");

  @Test
  void theVerificationMailCarriesTheCodeInTextAndHtml() {
    Mail mail =
        mails.verification(
            EmailVerificationRequested.newBuilder()
                .setEmail("ann@example.com")
                .setFullName("Ann <b>")
                .setCode("042917")
                .setExpiresAt("2026-11-22T10:00:00Z")
                .build());
    assertThat(mail.to()).isEqualTo("ann@example.com");
    assertThat(mail.subject()).contains("042917");
    assertThat(mail.text())
        .contains("verification code is 042917")
        .contains("Ann <b>")
        .contains("It expires at 22 November 2026, 10:00 UTC.")
        .doesNotContain("2026-11-22T10:00:00Z");
    assertThat(mail.html()).contains("It expires at 22 November 2026, 10:00 UTC.");
    assertThat(mail.html()).contains("042917").contains("Ann &lt;b&gt;").doesNotContain("Ann <b>");
  }

  @Test
  void theResetMailLinksToTheStorefrontWithTheToken() {
    Mail mail =
        mails.passwordReset(
            PasswordResetRequested.newBuilder()
                .setEmail("ann@example.com")
                .setFullName("Ann")
                .setToken("abc_DEF-123")
                .setExpiresAt("2026-11-22T10:00:00Z")
                .build());
    assertThat(mail.text())
        .contains("https://shop.example/reset-password?token=abc_DEF-123")
        .contains("reset token: abc_DEF-123");
    assertThat(mail.html())
        .contains("href=\"https://shop.example/reset-password?token=abc_DEF-123\"");
    assertThat(mail.text())
        .contains("expires at 22 November 2026, 10:00 UTC")
        .doesNotContain("2026-11-22T10:00:00Z");
    assertThat(mail.html()).contains("expires at 22 November 2026, 10:00 UTC");
  }
}
