package org.daisyjava.launcher.observe;

/**
 * Block durations of one task in fixed memory: logarithmic buckets 2% wide from 1 µs up (a
 * billion blocks cost the same as ten), so a percentile is known within about 1%, and the
 * exact minimum, maximum and sum. Not thread-safe; its owner locks.
 */
final class DurationHistogram {
  private static final double GROWTH = 1.02;
  private static final double LOG_GROWTH = Math.log(GROWTH);
  /** 1.02^1500 µs is about 92 days: longer blocks land in the last bucket (max stays exact). */
  private static final int BUCKETS = 1500;
  private final long[] counts = new long[BUCKETS];
  private long count;
  private long sumNanos;
  private long minNanos = Long.MAX_VALUE;
  private long maxNanos;

  void add(long nanos) {
    long n = Math.max(0, nanos);
    counts[bucket(n)]++;
    count++;
    sumNanos += n;
    minNanos = Math.min(minNanos, n);
    maxNanos = Math.max(maxNanos, n);
  }

  private static int bucket(long nanos) {
    double micros = nanos / 1000.0;
    if (micros < 1) {
      return 0;
    }
    return (int) Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(micros) / LOG_GROWTH));
  }

  /** Lower edge of bucket {@code b} in nanoseconds. */
  private static double lowerEdge(int b) {
    return b == 0 ? 0 : 1000.0 * Math.pow(GROWTH, b - 1);
  }

  long count() {
    return count;
  }

  long sumNanos() {
    return sumNanos;
  }

  long maxNanos() {
    return maxNanos;
  }

  long minNanos() {
    return count == 0 ? 0 : minNanos;
  }

  /** The {@code q}-quantile (0 < q ≤ 1) in nanoseconds: the middle of its bucket; 0 if empty. */
  long quantile(double q) {
    if (count == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * count));
    long seen = 0;
    for (int b = 0; b < BUCKETS; b++) {
      seen += counts[b];
      if (seen >= rank) {
        double mid = b == 0 ? 500 : Math.sqrt(lowerEdge(b) * lowerEdge(b + 1));
        return Math.max(minNanos, Math.min(maxNanos, Math.round(mid)));
      }
    }
    return maxNanos;
  }

  /**
   * Counts in {@code bins} equal bins on a log scale from the minimum to the maximum (for the
   * report's histogram); element 0 and 1 of the result are the range in nanoseconds.
   */
  long[] coarse(int bins) {
    long[] out = new long[bins + 2];
    if (count == 0) {
      return out;
    }
    double lo = Math.log(Math.max(1, minNanos));
    double hi = Math.log(Math.max(2, maxNanos)) + 1e-9;
    out[0] = minNanos;
    out[1] = maxNanos;
    for (int b = 0; b < BUCKETS; b++) {
      if (counts[b] == 0) {
        continue;
      }
      double mid = b == 0 ? 500 : Math.sqrt(lowerEdge(b) * lowerEdge(b + 1));
      double v = Math.log(Math.max(1, Math.min(maxNanos, Math.max(minNanos, mid))));
      int bin = hi <= lo ? 0 : (int) Math.min(bins - 1, Math.max(0, (v - lo) / (hi - lo) * bins));
      out[2 + bin] += counts[b];
    }
    return out;
  }
}
