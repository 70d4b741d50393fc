package io.emporium.stripe.emulator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stripe's {@code Stripe-Signature} header: {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "t.payload">} keyed with the endpoint's webhook secret, which is what stripe-java's {@code
 * Webhook} verifies.
 */
public final class StripeSignature {
  private StripeSignature() {}

  public static String header(String payload, String webhookSecret, long unixSeconds) {
    return "t=" + unixSeconds + ",v1=" + hmacSha256Hex(webhookSecret, unixSeconds + "." + payload);
  }

  static String hmacSha256Hex(String key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
