package io.emporium.paypal.emulator;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * PayPal's money: a currency code and a decimal string whose decimals are the currency's minor
 * units (two for most, none for HUF, JPY and TWD). Held as a count of minor units.
 */
record Money(String currency, long minor) {
  /** The currencies PayPal's REST API takes, with their decimals. */
  static final Map<String, Integer> CURRENCIES =
      Map.ofEntries(
          Map.entry("AUD", 2),
          Map.entry("BRL", 2),
          Map.entry("CAD", 2),
          Map.entry("CNY", 2),
          Map.entry("CZK", 2),
          Map.entry("DKK", 2),
          Map.entry("EUR", 2),
          Map.entry("HKD", 2),
          Map.entry("HUF", 0),
          Map.entry("ILS", 2),
          Map.entry("JPY", 0),
          Map.entry("MYR", 2),
          Map.entry("MXN", 2),
          Map.entry("TWD", 0),
          Map.entry("NZD", 2),
          Map.entry("NOK", 2),
          Map.entry("PHP", 2),
          Map.entry("PLN", 2),
          Map.entry("GBP", 2),
          Map.entry("SGD", 2),
          Map.entry("SEK", 2),
          Map.entry("CHF", 2),
          Map.entry("THB", 2),
          Map.entry("USD", 2));

  /** PayPal's schema for {@code value}. */
  private static final Pattern VALUE = Pattern.compile("^((-?[0-9]+)|(-?([0-9]+)?[.][0-9]+))$");

  /** {@code value} is at most 32 characters; this keeps sums within a long. */
  private static final int MAX_DIGITS = 15;

  /**
   * Parses {@code {currency_code, value}} found at {@code field} (a JSON pointer, for error
   * details); a bad one is PayPal's 400 or 422.
   */
  static Money parse(JsonObject amount, String field) {
    if (amount == null) {
      throw PayPalError.missing(field);
    }
    Object currencyValue = amount.getValue("currency_code");
    Object valueValue = amount.getValue("value");
    if (currencyValue == null) {
      throw PayPalError.missing(field + "/currency_code");
    }
    if (valueValue == null) {
      throw PayPalError.missing(field + "/value");
    }
    if (!(currencyValue instanceof String currency) || currency.length() != 3) {
      throw PayPalError.invalidValue(
          field + "/currency_code", String.valueOf(currencyValue), "INVALID_PARAMETER_SYNTAX");
    }
    if (!(valueValue instanceof String value)
        || value.length() > 32
        || !VALUE.matcher(value).matches()) {
      throw PayPalError.invalidValue(
          field + "/value", String.valueOf(valueValue), "INVALID_PARAMETER_SYNTAX");
    }
    Integer decimals = CURRENCIES.get(currency);
    if (decimals == null) {
      throw PayPalError.unprocessable(
          "CURRENCY_NOT_SUPPORTED",
          "Currency code is not currently supported. Please refer https://developer.paypal.com/docs/api/reference/currency-codes/ for list of supported currency codes.",
          field + "/currency_code",
          currency);
    }
    BigDecimal parsed = new BigDecimal(value);
    if (parsed.scale() > decimals) {
      throw PayPalError.unprocessable(
          "DECIMAL_PRECISION",
          decimals == 0
              ? "Currency does not support decimals."
              : "If the currency supports decimals, only two decimal place precision is supported.",
          field + "/value",
          value);
    }
    if (parsed.signum() <= 0) {
      throw PayPalError.unprocessable(
          "CANNOT_BE_ZERO_OR_NEGATIVE",
          "Must be greater than zero. If the currency supports decimals, only two decimal place precision is supported.",
          field + "/value",
          value);
    }
    BigDecimal minor = parsed.movePointRight(decimals);
    if (minor.precision() - minor.scale() > MAX_DIGITS) {
      throw PayPalError.invalidValue(field + "/value", value, "INVALID_PARAMETER_VALUE");
    }
    return new Money(currency, minor.longValueExact());
  }

  /** The decimal string, with exactly the currency's decimals: {@code "12.30"}, {@code "1200"}. */
  String value() {
    return BigDecimal.valueOf(minor, CURRENCIES.get(currency)).toPlainString();
  }

  JsonObject toJson() {
    return new JsonObject().put("currency_code", currency).put("value", value());
  }

  Money withMinor(long minorUnits) {
    return new Money(currency, minorUnits);
  }
}
