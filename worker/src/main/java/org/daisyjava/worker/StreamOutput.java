package org.daisyjava.worker;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a stream process's stdout on a thread of its own (an {@link OutputPump}) and separates
 * its answers from everything else it prints. Answers are queued for the runner
 * ({@link #nextAnswer}); every other line is copied to the worker's log as it comes.
 *
 * <p>Why a marked line on stdout and not a channel of its own (a FIFO or an extra file
 * descriptor): Java cannot hand a child an extra descriptor, and a FIFO needs {@code mkfifo}, a
 * rendezvous in which either side's {@code open} blocks until the other's (so a process that
 * never opens it hangs the worker), and cleanup after a crash. A marked line needs nothing from
 * the process's language, keeps answers and prints in the order they were written, and lets old
 * processes that answer with a bare JSON line keep working. What it cannot stop — a library
 * writing to file descriptor 1 without a newline just before an answer — the Python helper
 * avoids by moving descriptor 1 to stderr and answering on a copy of it, and a process in
 * another language by starting each answer on a fresh line.
 *
 * <p>A line is an answer when it starts with {@link #MARK} (the rest is the answer's JSON), or
 * when it is a JSON object with a {@code "block_id"} (the format before answers were marked).
 * Memory is bounded: an answer is at most {@link #MAX_ANSWER} bytes; a longer line cannot be one
 * and is copied to the log in pieces without being collected.
 */
final class StreamOutput implements OutputPump.Sink {
  /** What starts an answer line. */
  static final String MARK = "@daisy ";
  /** The longest answer line, in bytes (an error is cut to a few thousand characters anyway). */
  static final int MAX_ANSWER = 256 * 1024;
  private static final byte[] MARK_BYTES = MARK.getBytes(StandardCharsets.US_ASCII);
  /** The queue's end-of-output entry, compared by identity: no answer is this very string. */
  @SuppressWarnings("StringOperationCanBeSimplified")
  private static final String END = new String("end of output");

  /** Answers not yet taken; a process that runs ahead blocks on its stdout, not our memory. */
  private final BlockingQueue<String> answers = new ArrayBlockingQueue<>(8);
  private final LossyLog log;
  // the line being read; only the pump thread touches these
  private final byte[] line = new byte[MAX_ANSWER];
  private int lineLength;
  /** The current line outgrew the buffer: the rest of it goes straight to the log. */
  private boolean overlong;

  private StreamOutput(OutputStream log) {
    this.log = new LossyLog(log);
  }

  /**
   * Starts reading {@code stdout}; what is not an answer goes to {@code log}. Nobody waits for
   * the pump: its end is the {@code null} answer.
   */
  static StreamOutput start(InputStream stdout, OutputStream log, String threadName) {
    StreamOutput output = new StreamOutput(log);
    new OutputPump(stdout, output, threadName).start();
    return output;
  }

  /**
   * The next answer's JSON text (without the mark), waiting for it; null once the process's
   * stdout has ended.
   */
  String nextAnswer() throws InterruptedException {
    String next = answers.take();
    if (next == END) {
      answers.put(END); // ended for good: every later call sees it too
      return null;
    }
    return next;
  }

  @Override
  public void take(byte[] chunk, int length) throws InterruptedException {
    int start = 0;
    for (int i = 0; i < length; i++) {
      if (chunk[i] == '\n') {
        append(chunk, start, i + 1 - start);
        endLine();
        start = i + 1;
      }
    }
    append(chunk, start, length - start);
  }

  /** The last line may lack its newline; a stream closed under us loses what is left with it. */
  @Override
  public void end() throws InterruptedException {
    if (lineLength > 0 || overlong) {
      endLine();
    }
    answers.put(END);
  }

  /** Adds bytes (a line's end included) to the current line, or to the log if it is too long. */
  private void append(byte[] bytes, int from, int count) {
    if (count == 0) {
      return;
    }
    if (!overlong && lineLength + count <= line.length) {
      System.arraycopy(bytes, from, line, lineLength, count);
      lineLength += count;
      return;
    }
    if (!overlong) {
      overlong = true;
      log.write(line, 0, lineLength);
      lineLength = 0;
    }
    log.write(bytes, from, count);
  }

  private void endLine() throws InterruptedException {
    if (overlong) {
      overlong = false;
      log.flush();
      return;
    }
    int length = lineLength;
    lineLength = 0;
    String answer = answerIn(line, length);
    if (answer != null) {
      answers.put(answer);
    } else {
      log.write(line, 0, length);
      log.flush();
    }
  }

  /** The answer's JSON if {@code bytes[0, length)} is an answer line, else null. */
  static String answerIn(byte[] bytes, int length) {
    int end = length;
    while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
      end--;
    }
    if (startsWithMark(bytes, end)) {
      return new String(bytes, MARK_BYTES.length, end - MARK_BYTES.length, StandardCharsets.UTF_8);
    }
    int start = 0;
    while (start < end && (bytes[start] == ' ' || bytes[start] == '\t')) {
      start++;
    }
    if (start == end || bytes[start] != '{') {
      return null;
    }
    String text = new String(bytes, start, end - start, StandardCharsets.UTF_8);
    return StreamAnswer.isUnmarkedAnswer(text) ? text : null;
  }

  private static boolean startsWithMark(byte[] bytes, int length) {
    if (length < MARK_BYTES.length) {
      return false;
    }
    for (int i = 0; i < MARK_BYTES.length; i++) {
      if (bytes[i] != MARK_BYTES[i]) {
        return false;
      }
    }
    return true;
  }
}
