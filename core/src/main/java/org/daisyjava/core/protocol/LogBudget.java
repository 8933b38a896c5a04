package org.daisyjava.core.protocol;

import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A rate limit for log lines a peer can cause (dropped frames, refused handshakes, protocol
 * errors): at most {@code burst} lines per {@code windowNanos}; the rest are counted, and the
 * first line of a later window says how many were left out. So a flood of bad frames costs a
 * few lines a minute, not a line per frame. Thread-safe.
 */
public final class LogBudget {
  private final Logger log;
  private final int burst;
  private final long windowNanos;
  private long windowStart;
  private int used;
  private long suppressed;

  public LogBudget(Logger log, int burst, long windowNanos) {
    this.log = log;
    this.burst = burst;
    this.windowNanos = windowNanos;
    this.windowStart = System.nanoTime() - windowNanos;
  }

  /** Logs {@code line} at WARNING unless the budget of this window is spent. */
  public void warn(Supplier<String> line) {
    String text;
    synchronized (this) {
      long now = System.nanoTime();
      String left = null;
      if (now - windowStart >= windowNanos) {
        if (suppressed > 0) {
          left = " (" + suppressed + " similar lines left out since the last one)";
        }
        windowStart = now;
        used = 0;
        suppressed = 0;
      }
      if (used >= burst) {
        suppressed++;
        return;
      }
      used++;
      text = line.get() + (left == null ? "" : left)
          + (used == burst ? " (further lines like this are left out for a while)" : "");
    }
    log.log(Level.WARNING, text);
  }
}
