package org.daisyjava.worker;

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
final class StderrTail implements OutputPump.Sink {
  /** Lines kept. */
  static final int LINES = 20;
  /** Longer lines are cut when kept (they are copied whole). */
  static final int LINE_LENGTH = 400;

  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private final LossyLog log;
  private final OutputPump pump;
  // the line being read; only the pump thread touches these
  private final byte[] current = new byte[LINE_LENGTH];
  private int currentLength;
  private boolean currentCut;

  private StderrTail(InputStream stderr, OutputStream log, String threadName) {
    this.log = new LossyLog(log);
    this.pump = new OutputPump(stderr, this, threadName);
  }

  /** Starts copying {@code stderr} to {@code log} on a new daemon thread. */
  static StderrTail start(InputStream stderr, OutputStream log, String threadName) {
    StderrTail tail = new StderrTail(stderr, log, threadName);
    tail.pump.start();
    return tail;
  }

  @Override
  public void take(byte[] chunk, int length) {
    log.write(chunk, 0, length);
    log.flush();
    for (int i = 0; i < length; i++) {
      add(chunk[i]);
    }
  }

  @Override
  public void end() {
    if (currentLength > 0 || currentCut) {
      endLine();
    }
    log.flush();
  }

  private void add(byte b) {
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
    pump.awaitEnd(timeout);
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
