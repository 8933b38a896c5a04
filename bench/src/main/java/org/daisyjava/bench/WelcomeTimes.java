package org.daisyjava.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When simulated workers were welcomed, counted from "go" in buckets of {@link #BUCKET_MS}: a
 * shard fills one and prints it in its result line ({@code welcome_hist=bucket:count,...}, only
 * buckets that are not empty), LoadGen adds up the shards' and reads quantiles off the sum. The
 * last welcome alone does not tell a storm whose handshakes queue for CPU (the times spread
 * evenly) from one whose tail waits out TCP's SYN retries after listen-queue overflows (most
 * early, a few 1, 3 or 7 s later).
 */
final class WelcomeTimes {
  static final int BUCKET_MS = 50;
  /** Ten minutes; a later welcome counts in the last bucket. */
  private static final int BUCKETS = 600_000 / BUCKET_MS;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

  /** A worker was welcomed {@code nanosSinceGo} after "go". Any thread. */
  void add(long nanosSinceGo) {
    counts.incrementAndGet(bucket(nanosSinceGo / 1_000_000));
  }

  private static int bucket(long ms) {
    return (int) Math.max(0, Math.min(BUCKETS - 1, ms / BUCKET_MS));
  }

  /** The {@code welcome_hist} field's value. */
  String histogram() {
    StringBuilder s = new StringBuilder();
    for (int b = 0; b < BUCKETS; b++) {
      long c = counts.get(b);
      if (c > 0) {
        s.append(s.length() == 0 ? "" : ",").append(b).append(':').append(c);
      }
    }
    return s.length() == 0 ? "-" : s.toString();
  }

  /** Adds a shard's {@code welcome_hist} value into {@code sum} (bucket to count). */
  static void addHistogram(String value, TreeMap<Integer, Long> sum) {
    if (value == null || value.equals("-")) {
      return;
    }
    for (String pair : value.split(",")) {
      int colon = pair.indexOf(':');
      sum.merge(Integer.parseInt(pair.substring(0, colon)), Long.parseLong(pair.substring(colon + 1)), Long::sum);
    }
  }

  /**
   * The time from "go" by which a fraction {@code q} of the welcomes in {@code sum} had happened,
   * in seconds, to the bucket's end; NaN if there were none.
   */
  static double quantileSeconds(TreeMap<Integer, Long> sum, double q) {
    long total = sum.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      return Double.NaN;
    }
    long needed = (long) Math.ceil(q * total);
    long seen = 0;
    for (Map.Entry<Integer, Long> e : sum.entrySet()) {
      seen += e.getValue();
      if (seen >= needed) {
        return (e.getKey() + 1) * BUCKET_MS / 1000.0;
      }
    }
    return (sum.lastKey() + 1) * BUCKET_MS / 1000.0;
  }

  /** Welcomes in each whole second after "go", from the first second to the last with any: "12 0 4031 ...". */
  static String perSecond(TreeMap<Integer, Long> sum) {
    if (sum.isEmpty()) {
      return "-";
    }
    int perSecond = 1000 / BUCKET_MS;
    long[] seconds = new long[sum.lastKey() / perSecond + 1];
    sum.forEach((bucket, count) -> seconds[bucket / perSecond] += count);
    StringBuilder s = new StringBuilder();
    for (long c : seconds) {
      s.append(s.length() == 0 ? "" : " ").append(c);
    }
    return s.toString();
  }
}
