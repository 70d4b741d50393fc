package io.emporium.bench;

import java.util.Arrays;

/**
 * Latency samples in nanoseconds; percentiles by nearest rank over all of them (a run holds some
 * thousands). Not thread-safe.
 */
final class Latencies {
  private long[] samples = new long[1024];
  private int count;

  void add(long nanos) {
    if (count == samples.length) {
      samples = Arrays.copyOf(samples, count * 2);
    }
    samples[count++] = nanos;
  }

  int count() {
    return count;
  }

  double percentileMillis(double percentile) {
    if (count == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(percentile / 100 * count);
    return sorted[Math.max(0, rank - 1)] / 1e6;
  }
}
