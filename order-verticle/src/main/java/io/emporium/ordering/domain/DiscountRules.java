package io.emporium.ordering.domain;

import io.emporium.common.problem.ApiProblem.FieldError;
import io.emporium.proto.ordering.v1.Discount;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** What a discount code may be, whether it applies to a cart now, and what it takes off. Pure. */
public final class DiscountRules {
  private static final Pattern CODE = Pattern.compile("[A-Z0-9][A-Z0-9_-]{1,39}");
  private static final Pattern CURRENCY = Pattern.compile("[a-z]{3}");
  public static final long MAX_AMOUNT = 100_000_000_00L;

  private DiscountRules() {}

  public static String normalize(String code) {
    return code.strip().toUpperCase(Locale.ROOT);
  }

  public static List<FieldError> validate(Discount d) {
    List<FieldError> errors = new ArrayList<>();
    if (!CODE.matcher(d.getCode()).matches()) {
      errors.add(new FieldError("code", "must be 2-40 letters, digits, dashes or underscores"));
    }
    if (!d.getType().equals("percent") && !d.getType().equals("fixed")) {
      errors.add(new FieldError("type", "must be percent or fixed"));
    } else if (d.getType().equals("percent") && (d.getValue() < 1 || d.getValue() > 100)) {
      errors.add(new FieldError("value", "must be a whole percentage from 1 to 100"));
    } else if (d.getType().equals("fixed") && (d.getValue() < 1 || d.getValue() > MAX_AMOUNT)) {
      errors.add(
          new FieldError("value", "must be a whole number of minor units from 1 to " + MAX_AMOUNT));
    }
    if (!CURRENCY.matcher(d.getCurrency()).matches()) {
      errors.add(new FieldError("currency", "must be a lower-case ISO 4217 code"));
    }
    if (d.getMinSubtotal() < 0 || d.getMinSubtotal() > MAX_AMOUNT) {
      errors.add(
          new FieldError(
              "minSubtotal", "must be a whole number of minor units from 0 to " + MAX_AMOUNT));
    }
    Optional<Instant> starts = instant(d.getStartsAt(), "startsAt", errors);
    Optional<Instant> ends = instant(d.getEndsAt(), "endsAt", errors);
    if (starts.isPresent() && ends.isPresent() && !ends.get().isAfter(starts.get())) {
      errors.add(new FieldError("endsAt", "must be after startsAt"));
    }
    if (d.hasMaxUses() && d.getMaxUses() < 1) {
      errors.add(new FieldError("maxUses", "must be at least 1"));
    }
    if (d.hasPerUserLimit() && d.getPerUserLimit() < 1) {
      errors.add(new FieldError("perUserLimit", "must be at least 1"));
    }
    return errors;
  }

  /** Why the code does not apply to this cart now, or empty when it does. */
  public static Optional<String> refusal(
      Discount d, Instant now, long subtotal, String currency, Integer usesByCustomer) {
    if (!d.getStartsAt().isEmpty()
        && now.isBefore(OffsetDateTime.parse(d.getStartsAt()).toInstant())) {
      return Optional.of("is not valid yet");
    }
    if (!d.getEndsAt().isEmpty()
        && !now.isBefore(OffsetDateTime.parse(d.getEndsAt()).toInstant())) {
      return Optional.of("has expired");
    }
    if (d.hasMaxUses() && d.getUses() >= d.getMaxUses()) {
      return Optional.of("has been used up");
    }
    if (d.hasPerUserLimit()) {
      if (usesByCustomer == null) {
        return Optional.of("is for signed-in customers");
      }
      if (usesByCustomer >= d.getPerUserLimit()) {
        return Optional.of("has been used as often as one customer may");
      }
    }
    if (!d.getCurrency().equals(currency)
        && (d.getType().equals("fixed") || d.getMinSubtotal() > 0)) {
      return Optional.of("is for " + d.getCurrency() + " carts");
    }
    if (subtotal < d.getMinSubtotal()) {
      return Optional.of("needs a subtotal of at least " + d.getMinSubtotal());
    }
    return Optional.empty();
  }

  /**
   * What the code takes off a subtotal: a percentage rounded down to whole minor units, or a fixed
   * amount, never more than the subtotal.
   */
  public static long amount(Discount d, long subtotal) {
    long off =
        d.getType().equals("percent")
            ? Math.multiplyExact(subtotal, d.getValue()) / 100
            : d.getValue();
    return Math.min(off, subtotal);
  }

  private static Optional<Instant> instant(String rfc3339, String field, List<FieldError> errors) {
    if (rfc3339.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(rfc3339).toInstant());
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(field, "must be an RFC 3339 time such as 2026-12-01T00:00:00Z"));
      return Optional.empty();
    }
  }
}
