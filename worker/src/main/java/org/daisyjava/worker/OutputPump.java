package org.daisyjava.worker;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * Drains one output stream of a child process (its stdout or its stderr) to its end on a daemon
 * thread of its own, handing each read on to a {@link Sink}: the one loop behind
 * {@link StderrTail} and {@link StreamOutput}.
 *
 * <p>Why a thread per stream that never stops early: a pipe holds some 64 KiB, and a process
 * whose pipe is full blocks in its next write, so a stream nobody reads hangs the process. The
 * pump therefore reads until the end of the stream whatever becomes of what it read (a log on a
 * full disk is the sink's business, see {@link LossyLog}). Memory is bounded here: one
 * {@link #CHUNK} at a time, reused for every read, so a 2 GB line without a newline passes
 * through instead of being collected; what a sink keeps is its own bound.
 */
final class OutputPump {
  /** Bytes read at a time. */
  static final int CHUNK = 8192;

  /** What a pump hands its bytes to; called on the pump's thread only. */
  interface Sink {
    /**
     * The next {@code length} bytes of the stream, {@code chunk[0, length)}; {@code chunk} is
     * read into again once this returns. Blocking here holds the process up, which is how a sink
     * that waits for room (a full queue) slows a process down; an interrupt ends the pump.
     */
    void take(byte[] chunk, int length) throws InterruptedException;

    /**
     * The stream has ended, or was closed under the pump (the process was killed); it is closed
     * by now. Called once, unless an interrupt ended the pump first.
     */
    void end() throws InterruptedException;
  }

  private final Thread thread;

  /** A pump of {@code stream} into {@code sink} on a daemon thread, not started yet. */
  OutputPump(InputStream stream, Sink sink, String threadName) {
    thread = new Thread(() -> drain(stream, sink), threadName);
    thread.setDaemon(true);
  }

  /**
   * Starts draining. Separate from building, so that a sink can build its pump in its own
   * constructor and start it once it is built: the pump's thread then sees all of it.
   */
  void start() {
    thread.start();
  }

  private static void drain(InputStream stream, Sink sink) {
    byte[] chunk = new byte[CHUNK];
    try (stream) {
      int n;
      while ((n = stream.read(chunk)) > 0) {
        sink.take(chunk, n);
      }
    } catch (IOException e) {
      // closed under us (the process was killed): nothing more to read
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      sink.end();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits up to {@code timeout} for the stream's end (and the sink's {@code end}). */
  void awaitEnd(Duration timeout) throws InterruptedException {
    thread.join(Math.max(1, timeout.toMillis()));
  }
}
