package org.daisyjava.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Copies a child process's stderr to the worker's stderr line by line while keeping its last lines,
 * so that a failure's error can say what the process complained about.
 */
final class StderrTail {
  /** Lines kept. */
  static final int LINES = 20;
  /** Longer lines are cut when kept (they are copied whole). */
  static final int LINE_LENGTH = 400;

  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private final Thread pump;

  private StderrTail(InputStream stderr, PrintStream out, String threadName) {
    pump = new Thread(() -> copy(stderr, out), threadName);
    pump.setDaemon(true);
  }

  /** Starts copying {@code stderr} to {@code out} on a new daemon thread. */
  static StderrTail start(InputStream stderr, PrintStream out, String threadName) {
    StderrTail tail = new StderrTail(stderr, out, threadName);
    tail.pump.start();
    return tail;
  }

  private void copy(InputStream stderr, PrintStream out) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        out.println(line);
        keep(line);
      }
    } catch (IOException e) {
      // the stream was closed under us (process killed): nothing more to copy
    }
  }

  private synchronized void keep(String line) {
    if (lines.size() == LINES) {
      lines.removeFirst();
    }
    lines.addLast(line.length() > LINE_LENGTH ? line.substring(0, LINE_LENGTH) + "..." : line);
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
