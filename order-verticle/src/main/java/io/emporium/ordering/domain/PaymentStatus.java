package io.emporium.ordering.domain;

import java.util.Locale;

/**
 * Where an order's payment stands, as the API and the database spell it: waiting, or how it ended.
 * Pure.
 */
public enum PaymentStatus {
  AWAITING,
  PAID,
  FAILED,
  EXPIRED,
  CANCELLED,
  REFUNDED;

  /** The status as the API and the database spell it. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static PaymentStatus of(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }
}
