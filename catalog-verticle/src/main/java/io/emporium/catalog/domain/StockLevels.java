package io.emporium.catalog.domain;

import java.util.Optional;

/** Stock arithmetic and the low-stock threshold. Pure. */
public final class StockLevels {
  public static final int MAX_STOCK = 1_000_000;

  public enum Crossing {
    FELL_TO_LOW,
    BACK_IN_STOCK
  }

  private StockLevels() {}

  /**
   * The new stock for an absolute available target or a delta; empty when available would be
   * negative or too large.
   */
  public static Optional<Integer> newStock(
      int stock, int reserved, Integer available, Integer delta) {
    long target = available != null ? (long) available + reserved : (long) stock + delta;
    if (target - reserved < 0 || target > MAX_STOCK) {
      return Optional.empty();
    }
    return Optional.of((int) target);
  }

  /** Whether available stock crossed the threshold, and which way. */
  public static Optional<Crossing> crossing(
      int availableBefore, int availableAfter, int threshold) {
    if (availableBefore > threshold && availableAfter <= threshold) {
      return Optional.of(Crossing.FELL_TO_LOW);
    }
    if (availableBefore <= threshold && availableAfter > threshold) {
      return Optional.of(Crossing.BACK_IN_STOCK);
    }
    return Optional.empty();
  }
}
