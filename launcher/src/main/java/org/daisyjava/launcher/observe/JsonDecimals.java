package org.daisyjava.launcher.observe;

/**
 * How many decimals the run's JSON documents keep of a measured number: as many as mean
 * something, not the 17 digits of a double. Tenths for what people read off the page (seconds of
 * a worker's life, blocks per second); thousandths for fractions and for the statistics and the
 * event stream's run time, which other programs compare.
 */
public final class JsonDecimals {
  private JsonDecimals() {}

  public static double tenths(double v) {
    return Math.round(v * 10) / 10.0;
  }

  public static double thousandths(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
