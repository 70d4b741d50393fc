package io.emporium.paypal.emulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * Ids shaped like PayPal's: 17 upper-case letters and digits for orders, captures and refunds, 13
 * for payer ids, {@code WH-...} for webhook events and 13 hex digits for debug ids.
 */
final class PayPalIds {
  private static final String ALPHABET = "ABCDEFGHJKLMNPRSTUVWXY0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private PayPalIds() {}

  /** An order, capture or refund id such as {@code 5O190127TN364715T}. */
  static String next() {
    return random(17);
  }

  /** A webhook event id such as {@code WH-2WR32451HC0233532-67976317FL4543714}. */
  static String event() {
    return "WH-" + random(17) + "-" + random(17);
  }

  /** {@code PayPal-Debug-Id} and {@code debug_id}: 13 lower-case hex digits. */
  static String debugId() {
    byte[] b = new byte[7];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b).substring(0, 13);
  }

  /** The same payer id for the same e-mail address, as PayPal keeps one per account. */
  static String payerId(String email) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(email.getBytes(StandardCharsets.UTF_8));
      StringBuilder id = new StringBuilder(13);
      for (int i = 0; i < 13; i++) {
        id.append(ALPHABET.charAt((digest[i] & 0xff) % ALPHABET.length()));
      }
      return id.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** A time as PayPal writes it: ISO 8601 in UTC, to the second ({@code 2026-12-03T08:00:00Z}). */
  static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static String random(int length) {
    StringBuilder id = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return id.toString();
  }
}
