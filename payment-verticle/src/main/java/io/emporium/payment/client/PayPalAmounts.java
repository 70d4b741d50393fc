package io.emporium.payment.client;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Money between our minor units and PayPal's decimal strings ({@code "12.34"}), per currency: most
 * have 2 decimals, some none ({@code JPY}; PayPal also takes {@code HUF} and {@code TWD} whole
 * only), a few 3. Pure.
 */
public final class PayPalAmounts {
  /** Currencies PayPal takes without decimals although ISO 4217 gives them some. */
  private static final Set<String> WHOLE_AT_PAYPAL = Set.of("HUF", "TWD");

  private static final Pattern VALUE = Pattern.compile("\\d{1,15}(\\.\\d{1,3})?");

  private PayPalAmounts() {}

  /** The decimals PayPal uses for a currency (lower or upper case ISO 4217 code). */
  public static int exponent(String currency) {
    String code = currency.toUpperCase(Locale.ROOT);
    if (WHOLE_AT_PAYPAL.contains(code)) {
      return 0;
    }
    try {
      int digits = Currency.getInstance(code).getDefaultFractionDigits();
      return digits < 0 ? 2 : digits;
    } catch (IllegalArgumentException unknown) {
      return 2;
    }
  }

  /** {@code 1234} usd → {@code "12.34"}; {@code 500} jpy → {@code "500"}. */
  public static String toPayPal(long minor, String currency) {
    return BigDecimal.valueOf(minor, exponent(currency)).toPlainString();
  }

  /** PayPal's {@code currency_code}: upper case. */
  public static String currencyCode(String currency) {
    return currency.toUpperCase(Locale.ROOT);
  }

  /** Our currency: lower case. */
  public static String currency(String currencyCode) {
    return currencyCode.toLowerCase(Locale.ROOT);
  }

  /**
   * {@code "12.34"} usd → {@code 1234}; null when the value is not a non-negative decimal with at
   * most the currency's decimals.
   */
  public static Long toMinor(String value, String currency) {
    if (value == null || currency == null || !VALUE.matcher(value).matches()) {
      return null;
    }
    BigDecimal decimal = new BigDecimal(value);
    int exponent = exponent(currency);
    if (decimal.stripTrailingZeros().scale() > exponent) {
      return null;
    }
    return decimal.movePointRight(exponent).longValueExact();
  }
}
