package org.daisyjava.worker;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.daisyjava.core.BlockJson;

/**
 * {@code process: {stream: CMD}}: starts {@code /bin/sh -c CMD} once per worker and talks to it one
 * line each way per block (see the contract). A process that dies fails its block and is started
 * again for the next; when {@link #MAX_SILENT_DEATHS} processes in a row die before answering a
 * single block, the code is broken and the worker gives up.
 */
final class StreamRunner implements BlockRunner {
  static final int MAX_SILENT_DEATHS = 3;
  private static final Logger LOG = Logger.getLogger(StreamRunner.class.getName());
  /** How long the process may take to exit after closing its stdout or getting end-of-file. */
  private static final Duration EXIT_WAIT = Duration.ofSeconds(2);
  private static final Duration STDERR_DRAIN = Duration.ofSeconds(1);

  private final String command;
  private final JsonFactory json = new JsonFactory();
  private LiveWorkerContext context;

  // the current process, null when none is running; only the runner thread touches these
  private Process process;
  private BufferedWriter toProcess;
  private BufferedReader fromProcess;
  private StderrTail stderr;
  private boolean answeredSinceStart;
  private int silentDeaths;

  StreamRunner(String command) {
    if (command == null || command.isBlank()) {
      throw new IllegalArgumentException("stream must not be empty");
    }
    this.command = command;
  }

  @Override
  public void start(LiveWorkerContext context) throws IOException {
    this.context = context;
    launch();
  }

  private void launch() throws IOException {
    ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command);
    DaisyEnvironment.putWorker(builder.environment(), context);
    Process started = builder.start();
    process = started;
    toProcess =
        new BufferedWriter(new OutputStreamWriter(started.getOutputStream(), StandardCharsets.UTF_8));
    fromProcess =
        new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8));
    stderr = StderrTail.start(started.getErrorStream(), System.err, "daisy-stderr-stream");
    answeredSinceStart = false;
    LOG.fine(() -> "started stream process " + started.pid() + ": " + command);
  }

  @Override
  public void run(HeldBlock held) throws Exception {
    if (process == null) {
      try {
        launch();
      } catch (IOException e) {
        throw diedSilently("stream process could not be started: " + e.getMessage());
      }
    }
    Process running = process;
    held.cancellation().onCancel(() -> ProcessTree.terminate(running.toHandle()));
    try {
      String answerLine;
      try {
        toProcess.write(request(held));
        toProcess.newLine();
        toProcess.flush();
        answerLine = fromProcess.readLine();
      } catch (IOException e) {
        answerLine = null; // broken pipe: the process is gone
      }
      if (answerLine == null) {
        throw processEnded(held);
      }
      StreamAnswer answer;
      try {
        answer = StreamAnswer.parse(answerLine, held.id());
      } catch (IllegalArgumentException e) {
        // what it says next may belong to this block, not the next one: start over
        discardProcess();
        throw new BlockFailedException(
            "stream process gave a bad answer for block " + held.id() + ": " + e.getMessage());
      }
      answeredSinceStart = true;
      silentDeaths = 0;
      if (!answer.success()) {
        throw new BlockFailedException(answer.error());
      }
    } finally {
      held.cancellation().clearAction();
    }
  }

  /** One JSON line: the fields of a {@code plan --json} line plus block_id and attempt. */
  private String request(HeldBlock held) throws IOException {
    StringWriter line = new StringWriter(256);
    try (JsonGenerator out = json.createGenerator(line)) {
      out.writeStartObject();
      out.writeNumberField("block_id", held.id());
      out.writeNumberField("attempt", held.attempt());
      BlockJson.writeFields(out, held.block());
      out.writeEndObject();
    }
    return line.toString();
  }

  /** The process closed its stdout (it died, or is dying): builds the block's failure. */
  private Exception processEnded(HeldBlock held) throws InterruptedException {
    Process ended = process;
    String how;
    if (ended.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      how = "exited with code " + ended.exitValue();
    } else {
      how = "closed its stdout";
    }
    StderrTail tail = stderr;
    discardProcess();
    tail.awaitEnd(STDERR_DRAIN);
    if (held.cancellation().isCancelled()) {
      return new BlockFailedException("stream process was stopped");
    }
    String error = tail.describe("stream process " + how + " while running block " + held.id());
    return answeredSinceStart ? new BlockFailedException(error) : diedSilently(error);
  }

  /** A process ended without answering any block: counts towards giving up. */
  private Exception diedSilently(String error) {
    silentDeaths++;
    if (silentDeaths >= MAX_SILENT_DEATHS) {
      return new BrokenCodeException(
          error + " (" + silentDeaths + " stream processes in a row ended before answering; giving up)");
    }
    return new BlockFailedException(error);
  }

  /** Ends the current process (if still alive) and forgets it; the next block starts a new one. */
  private void discardProcess() {
    Process p = process;
    process = null;
    if (p == null) {
      return;
    }
    if (p.isAlive()) {
      ProcessTree.terminate(p.toHandle());
    }
    try {
      toProcess.close();
    } catch (IOException e) {
      // already broken: nothing to flush
    }
  }

  @Override
  public void stop() throws InterruptedException {
    Process p = process;
    if (p == null) {
      return;
    }
    process = null;
    try {
      toProcess.close(); // end-of-file on stdin: a well-behaved process exits by itself
    } catch (IOException e) {
      // it is gone already
    }
    if (!p.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      ProcessTree.terminate(p.toHandle());
    }
  }

  @Override
  public String description() {
    return "stream '" + command + "'";
  }
}
