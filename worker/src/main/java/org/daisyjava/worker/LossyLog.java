package org.daisyjava.worker;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The worker's log as an {@link OutputPump}'s sink writes a process's output to it: a write or
 * flush that fails (disk full, log closed) is dropped, never thrown. A sink that threw would end
 * its pump, and a process whose output nobody reads blocks on the full pipe; losing log lines is
 * the lesser harm, and a {@link StderrTail} still has the last lines for the error text.
 */
final class LossyLog {
  private final OutputStream log;

  LossyLog(OutputStream log) {
    this.log = log;
  }

  void write(byte[] bytes, int from, int count) {
    try {
      log.write(bytes, from, count);
    } catch (IOException e) {
      // the log is gone: keep draining (see above)
    }
  }

  void flush() {
    try {
      log.flush();
    } catch (IOException e) {
      // as in write
    }
  }
}
