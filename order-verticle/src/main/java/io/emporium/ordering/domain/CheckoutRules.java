package io.emporium.ordering.domain;

import io.emporium.common.config.ConfigException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What an order costs on top of its goods, in minor units. Pure.
 *
 * <ul>
 *   <li>Flat-rate shipping: one rate per order, free once the subtotal after discount reaches a
 *       threshold.
 *   <li>Destination tax: a percentage by the shipping country (a default for the rest) of the
 *       subtotal after discount, shipping untaxed, rounded half up to the minor unit.
 * </ul>
 */
public final class CheckoutRules {
  private static final String ANY_COUNTRY = "*";
  private final long shippingFlat;
  private final long freeShippingFrom;
  private final Map<String, BigDecimal> taxPercentByCountry;

  /** An order's money: {@code total = subtotal - discount + shipping + tax}. */
  public record Totals(long subtotal, long discount, long shipping, long tax, long total) {}

  public CheckoutRules(
      long shippingFlat, long freeShippingFrom, Map<String, BigDecimal> taxPercentByCountry) {
    this.shippingFlat = shippingFlat;
    this.freeShippingFrom = freeShippingFrom;
    this.taxPercentByCountry = Map.copyOf(taxPercentByCountry);
  }

  /** Rules from configuration; tax rates read {@code "DE:19,GB:20,*:0"}. */
  public static CheckoutRules of(long shippingFlat, long freeShippingFrom, String taxRates) {
    Map<String, BigDecimal> rates = new HashMap<>();
    for (String entry : taxRates.split(",")) {
      String[] parts = entry.strip().split(":");
      if (entry.isBlank()) {
        continue;
      }
      String country = parts[0].strip().toUpperCase(Locale.ROOT);
      if (parts.length != 2 || !(country.equals(ANY_COUNTRY) || country.matches("[A-Z]{2}"))) {
        throw new ConfigException(
            "CHECKOUT_TAX_RATES must read like DE:19,GB:20,*:0 (got '" + entry.strip() + "')");
      }
      try {
        BigDecimal percent = new BigDecimal(parts[1].strip());
        if (percent.signum() < 0 || percent.compareTo(BigDecimal.valueOf(100)) > 0) {
          throw new NumberFormatException();
        }
        rates.put(country, percent);
      } catch (NumberFormatException e) {
        throw new ConfigException(
            "CHECKOUT_TAX_RATES: the rate of " + country + " must be a percentage from 0 to 100");
      }
    }
    return new CheckoutRules(shippingFlat, freeShippingFrom, rates);
  }

  public Totals totals(long subtotal, long discount, String country) {
    long goods = subtotal - discount;
    long shipping = goods >= freeShippingFrom ? 0 : shippingFlat;
    long tax = tax(goods, country);
    return new Totals(
        subtotal, discount, shipping, tax, Math.addExact(Math.addExact(goods, shipping), tax));
  }

  private long tax(long goods, String country) {
    BigDecimal percent =
        taxPercentByCountry.getOrDefault(
            country.toUpperCase(Locale.ROOT),
            taxPercentByCountry.getOrDefault(ANY_COUNTRY, BigDecimal.ZERO));
    return BigDecimal.valueOf(goods)
        .multiply(percent)
        .divide(BigDecimal.valueOf(100), 0, RoundingMode.HALF_UP)
        .longValueExact();
  }
}
