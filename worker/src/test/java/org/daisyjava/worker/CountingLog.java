package org.daisyjava.worker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The worker's log for the pumps' tests: counts what it is given and keeps the first
 * {@link #KEPT} bytes of it; or, made {@link #full()}, refuses every write and flush as a full
 * disk does.
 */
final class CountingLog extends OutputStream {
  static final int KEPT = 1 << 20;
  private final boolean diskFull;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private volatile long count;

  private CountingLog(boolean full) {
    this.diskFull = full;
  }

  static CountingLog working() {
    return new CountingLog(false);
  }

  /** A log on a full disk: every write and flush fails. */
  static CountingLog full() {
    return new CountingLog(true);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    if (diskFull) {
      throw new IOException("No space left on device");
    }
    kept.write(b, off, (int) Math.max(0, Math.min(len, KEPT - kept.size())));
    count += len;
  }

  @Override
  public void flush() throws IOException {
    if (diskFull) {
      throw new IOException("No space left on device");
    }
  }

  /** Bytes written so far. */
  long count() {
    return count;
  }

  /** The first {@link #KEPT} bytes written, as UTF-8. */
  synchronized String text() {
    return kept.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}
