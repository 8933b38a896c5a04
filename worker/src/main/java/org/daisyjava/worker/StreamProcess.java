package org.daisyjava.worker;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.daisyjava.core.Block;
import org.daisyjava.core.BlockJson;

/**
 * One running {@code /bin/sh -c CMD} of a {@code stream} process or check: the worker writes one
 * request line per block to its stdin and takes one answer back from its stdout
 * ({@link StreamOutput} separates answers from prints). Its other output goes to the worker's
 * logs, stdout's to {@code log}, stderr's to {@code errors}, both bounded.
 */
final class StreamProcess {
  /** How long the process may take to exit after closing its stdout or getting end-of-file. */
  private static final Duration EXIT_WAIT = Duration.ofSeconds(2);
  private static final Duration STDERR_DRAIN = Duration.ofSeconds(1);
  private static final JsonFactory JSON = new JsonFactory();

  private final Process process;
  private final BufferedWriter requests;
  private final StreamOutput answers;
  private final StderrTail stderr;

  private StreamProcess(Process process, OutputStream log, OutputStream errors) {
    this.process = process;
    this.requests = new BufferedWriter(
        new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    this.answers = StreamOutput.start(process.getInputStream(), log, "daisy-stream-stdout");
    this.stderr = StderrTail.start(process.getErrorStream(), errors, "daisy-stream-stderr");
  }

  /** Starts {@code command} with {@code env} added to the worker's environment. */
  static StreamProcess start(String command, Map<String, String> env, OutputStream log,
      OutputStream errors) throws IOException {
    ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command);
    builder.environment().putAll(env);
    PythonPath.put(builder.environment());
    return new StreamProcess(builder.start(), log, errors);
  }

  Process process() {
    return process;
  }

  long pid() {
    return process.pid();
  }

  /**
   * Sends the request for {@code block} and waits for the answer's JSON; null if the process
   * ended (or closed its stdout) first.
   */
  String ask(Block block, int attempt) throws InterruptedException {
    try {
      requests.write(request(block, attempt));
      requests.newLine();
      requests.flush();
    } catch (IOException e) {
      // broken pipe: the process is gone; its stdout ends too, which the caller sees next
    }
    return answers.nextAnswer();
  }

  /** One JSON line: the fields of a {@code plan --json} line plus block_id and attempt. */
  static String request(Block block, int attempt) {
    StringWriter line = new StringWriter(256);
    try (JsonGenerator out = JSON.createGenerator(line)) {
      out.writeStartObject();
      out.writeNumberField("block_id", block.id());
      out.writeNumberField("attempt", attempt);
      BlockJson.writeFields(out, block);
      out.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing to a string cannot fail", e);
    }
    return line.toString();
  }

  /**
   * After the process's stdout ended: waits a little for it to exit and for its stderr; returns
   * its exit code, or -1 if it is still running (it closed its stdout but lives on).
   */
  int awaitEnd() throws InterruptedException {
    int code = process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    stderr.awaitEnd(STDERR_DRAIN);
    return code;
  }

  /** {@code prefix} followed by the last lines of the process's stderr. */
  String describe(String prefix) {
    return stderr.describe(prefix);
  }

  /** Ends the process now (its tree too) if it is still alive. */
  void kill() {
    if (process.isAlive()) {
      ProcessTree.terminate(process.toHandle());
    }
    closeRequests();
  }

  /** End-of-file on stdin, so that a well-behaved process exits by itself; then kills it if not. */
  void close() throws InterruptedException {
    closeRequests();
    if (!process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      ProcessTree.terminate(process.toHandle());
    }
  }

  private void closeRequests() {
    try {
      requests.close();
    } catch (IOException e) {
      // it is gone already
    }
  }
}
