package org.daisyjava.worker;

import java.io.InputStream;
import java.util.function.LongSupplier;

/**
 * A process's output for the pumps' tests: {@code pattern} repeated {@code times} times,
 * made as it is read (so a test can feed gigabytes without holding them), and watched: at every
 * read it notes how far the reader has got ahead of what it passed on, which is what a pump holds.
 */
final class GeneratedOutput extends InputStream {
  private final byte[] pattern;
  private final long total;
  private final LongSupplier passedOn;
  private long read;
  private long mostAhead;
  private volatile boolean ended;
  private volatile boolean closed;

  /** {@code passedOn}: how many bytes the reader has passed on so far (e.g. to its log). */
  GeneratedOutput(String pattern, long times, LongSupplier passedOn) {
    this.pattern = pattern.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    this.total = times * this.pattern.length;
    this.passedOn = passedOn;
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public synchronized int read(byte[] b, int off, int len) {
    mostAhead = Math.max(mostAhead, read - passedOn.getAsLong());
    if (read == total) {
      ended = true;
      return -1;
    }
    int n = (int) Math.min(len, total - read);
    for (int i = 0; i < n; i++) {
      b[off + i] = pattern[(int) ((read + i) % pattern.length)];
    }
    read += n;
    return n;
  }

  @Override
  public void close() {
    closed = true;
  }

  /** The reader read to the end and closed the stream. */
  boolean drained() {
    return ended && closed;
  }

  /** The most bytes the reader had read but not passed on when it asked for more. */
  synchronized long mostAhead() {
    return mostAhead;
  }
}
