package org.daisyjava.worker;

/**
 * How many blocks a worker keeps outstanding (held or requested). Two — one running, one
 * prefetched — hide the round trip to the scheduler behind a running block. Blocks shorter than
 * a round trip (tens of microseconds to a millisecond on a busy head node) would still leave the
 * runner waiting, and every wake-up of a thread costs about as much as such a block; so when
 * blocks turn out to be that short, the worker asks for more at once and the poll loop, the
 * runner and the scheduler each handle several blocks per wake-up.
 *
 * <p>The depth follows a moving average of recent block run times: {@link #MIN} for blocks of
 * {@link #SHORT_NANOS} or more, up to {@link #MAX} for no-op blocks (measured with one worker on
 * two cores: depth 4 gives 9,300 no-op blocks/s, 16 gives 20,400, 64 gives 37,400 — a round trip
 * through both processes takes about 1 ms there). A worker that holds more blocks leaves more to
 * requeue if it dies, which is why long blocks never get more than two.
 */
final class PrefetchDepth {
  static final int MIN = 2;
  static final int MAX = 64;
  /** Blocks at least this long keep the minimum depth. */
  static final long SHORT_NANOS = 2_000_000;
  /** Blocks seen before the depth may grow (the first ones include JIT warm-up). */
  private static final int SETTLE = 8;

  private double averageNanos = -1;
  private int seen;

  /** A block ran for {@code nanos}. */
  void finished(long nanos) {
    seen++;
    averageNanos = averageNanos < 0 ? nanos : averageNanos * 0.9 + nanos * 0.1;
  }

  /**
   * Blocks to keep outstanding now with {@code slots} slots: one running in each slot and the
   * prefetch of a one-slot worker beyond that (long blocks: one prefetched block for all slots),
   * at most {@link #MAX}.
   */
  int current(int slots) {
    return Math.min(MAX, slots - 1 + current());
  }

  /** Blocks to keep outstanding now by a one-slot worker. */
  int current() {
    if (seen < SETTLE || averageNanos >= SHORT_NANOS) {
      return MIN;
    }
    // enough blocks to cover a round trip of a millisecond or two under load:
    // 1 ms blocks -> 4, 100 us -> 40, 62 us or less -> 64
    int depth = (int) Math.ceil(2.0 * SHORT_NANOS / Math.max(1, averageNanos));
    return Math.max(MIN, Math.min(MAX, depth));
  }
}
