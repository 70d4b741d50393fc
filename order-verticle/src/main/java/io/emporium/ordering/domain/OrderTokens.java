package io.emporium.ordering.domain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Guest order tokens: 256 random bits that read one order without an account; only their SHA-256 is
 * stored. The answer a checkout keeps for repeats of its request holds the token masked with a key
 * only the guest's cart token gives, so a repeat can answer the same token while the database never
 * holds a usable one.
 */
public final class OrderTokens {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int BYTES = 32;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private OrderTokens() {}

  public static String issue() {
    byte[] bytes = new byte[BYTES];
    RANDOM.nextBytes(bytes);
    return ENCODER.encodeToString(bytes);
  }

  public static byte[] hash(String token) {
    return CartTokens.hash(token);
  }

  /** Whether {@code token} is the one whose hash is {@code stored}, in constant time. */
  public static boolean matches(String token, byte[] stored) {
    return stored != null
        && token != null
        && !token.isEmpty()
        && MessageDigest.isEqual(hash(token), stored);
  }

  /**
   * The token masked (or unmasked: the mask is its own inverse) with a pad drawn from the guest's
   * cart token and the order id; empty when the token is not one this class issues.
   */
  public static String mask(String token, String cartToken, String orderId) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      return "";
    }
    if (bytes.length != BYTES) {
      return "";
    }
    byte[] pad = pad(cartToken, orderId);
    for (int i = 0; i < BYTES; i++) {
      bytes[i] ^= pad[i];
    }
    return ENCODER.encodeToString(bytes);
  }

  private static byte[] pad(String cartToken, String orderId) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(cartToken.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(("order-token " + orderId).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
    }
  }
}
