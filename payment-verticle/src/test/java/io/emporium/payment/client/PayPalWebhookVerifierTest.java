package io.emporium.payment.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayPalWebhookVerifierTest {
  private static final URI EMULATOR = URI.create("http://127.0.0.1:18080");
  private static final URI PAYPAL = URI.create("https://api-m.paypal.com");

  @Test
  void theCrcIsTheBodysUnsignedCrc32InDecimal() {
    // CRC32("123456789") is the check value 0xCBF43926 of the standard
    assertThat(PayPalWebhookVerifier.crc32("123456789".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("3421780262");
    assertThat(PayPalWebhookVerifier.crc32(new byte[0])).isEqualTo("0");
  }

  @Test
  void aCrcAbove2To31IsNotNegative() {
    String crc = PayPalWebhookVerifier.crc32("{\"id\":\"WH-1\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(crc).doesNotStartWith("-");
    assertThat(Long.parseLong(crc)).isBetween(0L, 0xFFFFFFFFL);
  }

  @Test
  void theSignedTextJoinsIdTimeWebhookAndCrcWithBars() {
    byte[] body = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertThat(PayPalWebhookVerifier.signedText("tx-1", "2026-12-03T08:00:00Z", "WH-HOOK", body))
        .isEqualTo("tx-1|2026-12-03T08:00:00Z|WH-HOOK|3421780262");
  }

  @Test
  void certificatesComeFromPayPalOverHttps() {
    assertThat(allowed("https://api.paypal.com/v1/notifications/certs/CERT-1", PAYPAL)).isTrue();
    assertThat(allowed("https://api.sandbox.paypal.com/certs/1", EMULATOR)).isTrue();
    assertThat(allowed("https://paypal.com/c", EMULATOR)).isTrue();
    assertThat(allowed("http://api.paypal.com/c", PAYPAL)).isFalse();
  }

  @Test
  void orFromTheConfiguredApiBaseItself() {
    assertThat(allowed("http://127.0.0.1:18080/v1/notifications/certs/c.pem", EMULATOR)).isTrue();
    assertThat(allowed("http://127.0.0.1:18081/certs/c.pem", EMULATOR)).isFalse();
    assertThat(allowed("https://127.0.0.1:18080/certs/c.pem", EMULATOR)).isFalse();
  }

  @Test
  void lookalikeAndForeignHostsAreRefused() {
    assertThat(allowed("https://evilpaypal.com/c", PAYPAL)).isFalse();
    assertThat(allowed("https://paypal.com.evil.example/c", PAYPAL)).isFalse();
    assertThat(allowed("https://api.paypal.com@evil.example/c", PAYPAL)).isFalse();
    assertThat(allowed("https://evil.example/c?x=.paypal.com", PAYPAL)).isFalse();
    assertThat(allowed("file:///etc/passwd", PAYPAL)).isFalse();
    assertThat(allowed("not a url", PAYPAL)).isFalse();
    assertThat(allowed("", PAYPAL)).isFalse();
  }

  private static boolean allowed(String url, URI base) {
    return PayPalWebhookVerifier.allowedCertUrl(url, base);
  }
}
