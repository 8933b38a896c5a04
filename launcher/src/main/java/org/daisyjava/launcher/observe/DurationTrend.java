package org.daisyjava.launcher.observe;

/**
 * The trend of block durations over a run: the least-squares slope of duration against the time
 * the block ended, in fixed memory. Updated with Welford's method (running means and
 * co-moments), which stays accurate over 10^9 blocks where the textbook sums of squares lose
 * every digit to cancellation. Not thread-safe; its owner locks.
 */
final class DurationTrend {
  private long n;
  private double meanX;
  private double meanY;
  private double coMoment;
  private double m2x;

  /** A block that ended {@code atSeconds} into the run after running {@code millis}. */
  void add(double atSeconds, double millis) {
    n++;
    double dx = atSeconds - meanX;
    meanX += dx / n;
    meanY += (millis - meanY) / n;
    coMoment += dx * (millis - meanY);
    m2x += dx * (atSeconds - meanX);
  }

  /** Milliseconds the duration grows per minute of the run; 0 until there is a spread of times. */
  double millisPerMinute() {
    return n < 3 || m2x <= 0 ? 0 : 60 * coMoment / m2x;
  }
}
