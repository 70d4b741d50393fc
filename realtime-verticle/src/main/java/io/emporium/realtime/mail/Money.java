package io.emporium.realtime.mail;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Locale;

/** Amounts in minor units as a reader expects them: {@code 1,234.50 USD}, {@code 1,200 JPY}. */
final class Money {
  private Money() {}

  static String format(long minorUnits, String currency) {
    String code = currency == null ? "" : currency.toUpperCase(Locale.ROOT);
    int digits = fractionDigits(code);
    BigDecimal amount = BigDecimal.valueOf(minorUnits, digits);
    return String.format(Locale.ROOT, "%,." + digits + "f %s", amount, code).strip();
  }

  private static int fractionDigits(String code) {
    try {
      int digits = Currency.getInstance(code).getDefaultFractionDigits();
      return digits < 0 ? 2 : digits;
    } catch (IllegalArgumentException | NullPointerException unknown) {
      return 2;
    }
  }
}
