package io.emporium.stripe.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import org.junit.jupiter.api.Test;

class StripeSignatureTest {
  private static final String SECRET = "whsec_test_secret";
  private static final String PAYLOAD = "{\"id\":\"evt_1\",\"object\":\"event\"}";

  @Test
  void theHeaderIsTimestampThenV1HexHmacOfTimestampDotPayload() {
    String header = StripeSignature.header(PAYLOAD, SECRET, 1_700_000_000L);
    assertThat(header).matches("t=1700000000,v1=[0-9a-f]{64}");
    assertThat(header).endsWith(StripeSignature.hmacSha256Hex(SECRET, "1700000000." + PAYLOAD));
  }

  @Test
  void stripeJavaAcceptsItAndRefusesItForAnotherPayloadOrSecret() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    String header = StripeSignature.header(PAYLOAD, SECRET, now);
    assertThat(Webhook.Signature.verifyHeader(PAYLOAD, header, SECRET, 300)).isTrue();
    assertThatThrownBy(() -> Webhook.Signature.verifyHeader(PAYLOAD + " ", header, SECRET, 300))
        .isInstanceOf(SignatureVerificationException.class);
    assertThatThrownBy(() -> Webhook.Signature.verifyHeader(PAYLOAD, header, "whsec_other", 300))
        .isInstanceOf(SignatureVerificationException.class);
  }

  @Test
  void anOldTimestampIsOutsideStripeJavasTolerance() {
    String stale =
        StripeSignature.header(PAYLOAD, SECRET, System.currentTimeMillis() / 1000 - 3600);
    assertThatThrownBy(() -> Webhook.Signature.verifyHeader(PAYLOAD, stale, SECRET, 300))
        .isInstanceOf(SignatureVerificationException.class)
        .hasMessageContaining("tolerance");
  }
}
