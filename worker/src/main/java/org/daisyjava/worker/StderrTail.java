package org.daisyjava.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Copies a child process's stderr to the worker's log as it comes, in chunks, while keeping its
 * last lines, so that a failure's error can say what the process complained about.
 *
 * <p>Memory is bounded whatever the process writes: bytes are passed on one read buffer at a
 * time (a 2 GB line without a newline is copied, not collected), and the kept tail is
 * {@link #LINES} lines of at most {@link #LINE_LENGTH} bytes each. Lines are split on bytes, so
 * output that is not UTF-8 is copied unchanged; only the kept tail is decoded.
 */
final class StderrTail {
  /** Lines kept. */
  static final int LINES = 20;
  /** Longer lines are cut when kept (they are copied whole). */
  static final int LINE_LENGTH = 400;
  private static final int CHUNK = 8192;

  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private final Thread pump;
  // the line being read; only the pump thread touches these
  private final byte[] current = new byte[LINE_LENGTH];
  private int currentLength;
  private boolean currentCut;

  private StderrTail(InputStream stderr, OutputStream out, String threadName) {
    pump = new Thread(() -> copy(stderr, out), threadName);
    pump.setDaemon(true);
  }

  /** Starts copying {@code stderr} to {@code out} on a new daemon thread. */
  static StderrTail start(InputStream stderr, OutputStream out, String threadName) {
    StderrTail tail = new StderrTail(stderr, out, threadName);
    tail.pump.start();
    return tail;
  }

  private void copy(InputStream stderr, OutputStream out) {
    byte[] chunk = new byte[CHUNK];
    try (stderr) {
      int n;
      while ((n = stderr.read(chunk)) > 0) {
        write(out, chunk, n);
        for (int i = 0; i < n; i++) {
          take(chunk[i]);
        }
      }
    } catch (IOException e) {
      // the stream was closed under us (process killed): nothing more to copy
    }
    if (currentLength > 0 || currentCut) {
      endLine();
    }
    flush(out);
  }

  /** A log that cannot be written must not stop the pump: the process would block on a full pipe. */
  private static void write(OutputStream out, byte[] chunk, int n) {
    try {
      out.write(chunk, 0, n);
      out.flush();
    } catch (IOException e) {
      // the log is gone (disk full, closed): keep draining, the tail still serves the error text
    }
  }

  private static void flush(OutputStream out) {
    try {
      out.flush();
    } catch (IOException e) {
      // as in write
    }
  }

  private void take(byte b) {
    if (b == '\n') {
      endLine();
    } else if (currentLength < current.length) {
      current[currentLength++] = b;
    } else {
      currentCut = true;
    }
  }

  private void endLine() {
    int length = currentLength;
    if (length > 0 && current[length - 1] == '\r') {
      length--;
    }
    String line = new String(current, 0, length, StandardCharsets.UTF_8) + (currentCut ? "..." : "");
    currentLength = 0;
    currentCut = false;
    keep(line);
  }

  private synchronized void keep(String line) {
    if (lines.size() == LINES) {
      lines.removeFirst();
    }
    lines.addLast(line);
  }

  /**
   * Waits up to {@code timeout} for the process's stderr to end: a background grandchild may hold it
   * open long after the process itself has exited.
   */
  void awaitEnd(Duration timeout) throws InterruptedException {
    pump.join(Math.max(1, timeout.toMillis()));
  }

  /** The kept lines joined by newlines; empty if there were none. */
  synchronized String text() {
    return String.join("\n", lines);
  }

  /** {@code prefix} followed by ": " and the kept lines, or just {@code prefix} if there are none. */
  String describe(String prefix) {
    String text = text();
    return text.isBlank() ? prefix : prefix + ": " + text;
  }
}
