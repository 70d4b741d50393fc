package io.emporium.emulator;

import java.time.Duration;

/**
 * When an emulator tries a failed webhook delivery again: the first retry after {@code firstDelay},
 * each next one after twice the last, never more than {@code maxDelay} apart, {@code maxAttempts}
 * in all. (The providers themselves keep trying for days; an emulator gives up sooner.)
 */
public record RetrySchedule(Duration firstDelay, Duration maxDelay, int maxAttempts) {
  /** Half a second doubling to a minute, ten attempts: about three minutes before giving up. */
  public static final RetrySchedule DEFAULT =
      new RetrySchedule(Duration.ofMillis(500), Duration.ofMinutes(1), 10);

  public RetrySchedule {
    if (firstDelay.isNegative()
        || firstDelay.isZero()
        || maxDelay.compareTo(firstDelay) < 0
        || maxAttempts < 1) {
      throw new IllegalArgumentException(
          "a retry schedule needs 0 < firstDelay <= maxDelay and at least one attempt");
    }
  }

  /** The wait after the {@code failedAttempts}-th failure; null when no attempt is left. */
  public Duration delayAfter(int failedAttempts) {
    if (failedAttempts < 1 || failedAttempts >= maxAttempts) {
      return null;
    }
    Duration delay = firstDelay.multipliedBy(1L << Math.min(failedAttempts - 1, 30));
    return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
  }
}
