package io.emporium.stripe.emulator;

import java.security.SecureRandom;

/**
 * Ids with Stripe's prefixes ({@code cs_test_}, {@code pi_}, {@code re_}, {@code evt_}...) and
 * random base-62 bodies.
 */
final class StripeIds {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  private StripeIds() {}

  static String next(String prefix) {
    return prefix + random(24);
  }

  static String random(int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }
}
