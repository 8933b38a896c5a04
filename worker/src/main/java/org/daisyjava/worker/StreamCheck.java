package org.daisyjava.worker;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;
import org.daisyjava.core.Block;

/**
 * {@code check: {stream: CMD}}: one long-running {@code /bin/sh -c CMD} answers, for each block
 * asked about, whether it is done already (the stream line format, answered with
 * {@code {"block_id":N,"done":true|false}}), so that a check that needs a loaded library pays for
 * loading it once. Started on first use and again after it died. Its stdout besides the answers
 * is discarded (as a {@code command} check's is: it would mix into the progress display), its
 * stderr passed to the launcher's stderr.
 *
 * <p>Calls are serialised: one process answers one question at a time.
 */
final class StreamCheck implements BlockCheck {
  private static final Logger LOG = Logger.getLogger(StreamCheck.class.getName());

  private final String command;
  private final Path runDir;
  private StreamProcess process;

  StreamCheck(String command, Path runDir) {
    if (command == null || command.isBlank()) {
      throw new IllegalArgumentException("check: stream must not be empty");
    }
    this.command = command;
    this.runDir = runDir;
  }

  @Override
  public synchronized boolean isDone(Block block) throws Exception {
    if (process == null) {
      Map<String, String> env = new HashMap<>();
      DaisyEnvironment.putRunDir(env, runDir);
      env.put("DAISY_TASK", block.task());
      process = StreamProcess.start(command, env, OutputStream.nullOutputStream(), System.err);
      LOG.fine(() -> "started stream check " + process.pid() + ": " + command);
    }
    StreamProcess running = process;
    String answer = running.ask(block, 1);
    if (answer == null) {
      process = null;
      int code = running.awaitEnd();
      running.kill();
      throw new IOException(running.describe("stream check " + (code >= 0 ? "exited with code " + code
          : "closed its stdout") + " while checking block " + block.id()));
    }
    StreamAnswer.Check checked;
    try {
      checked = StreamAnswer.parseCheck(answer, block.id());
    } catch (IllegalArgumentException e) {
      // out of step with its answers: start over with the next question
      process = null;
      running.kill();
      throw new IOException("stream check gave a bad answer for block " + block.id() + ": "
          + e.getMessage());
    }
    if (checked.error() != null) {
      throw new IOException("stream check failed for block " + block.id() + ": " + checked.error());
    }
    return checked.done();
  }

  /** Ends the process (end-of-file on its stdin). */
  synchronized void close() throws InterruptedException {
    if (process != null) {
      process.close();
      process = null;
    }
  }

  @Override
  public String toString() {
    return "check stream '" + command + "'";
  }
}
