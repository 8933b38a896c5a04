package org.daisyjava.worker;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * {@code process: {stream: CMD}}: starts {@code /bin/sh -c CMD} once per worker and talks to it one
 * line each way per block ({@link StreamProcess}, {@link StreamOutput}). What the process prints
 * besides its answers goes to the worker's log. A process that dies fails its block and is started
 * again for the next; one that exits with 126 or 127 before answering (the shell could not run
 * the command) breaks the whole task; when {@link #MAX_SILENT_DEATHS} processes in a row die
 * before answering a single block, this worker gives up.
 */
final class StreamRunner implements BlockRunner {
  static final int MAX_SILENT_DEATHS = 3;
  private static final Logger LOG = Logger.getLogger(StreamRunner.class.getName());

  private final String command;
  private LiveWorkerContext context;

  // the current process, null when none is running; only the runner thread touches these
  private StreamProcess process;
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
    Map<String, String> env = new HashMap<>();
    DaisyEnvironment.putWorker(env, context);
    StreamProcess started = StreamProcess.start(command, env, System.out, System.err);
    process = started;
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
    StreamProcess running = process;
    held.cancellation().onCancel(running::kill);
    try {
      String answerText = running.ask(held.block(), held.attempt());
      if (answerText == null) {
        throw processEnded(held);
      }
      StreamAnswer answer;
      try {
        answer = StreamAnswer.parse(answerText, held.id());
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

  /** The process closed its stdout (it died, or is dying): builds the block's failure. */
  private Exception processEnded(HeldBlock held) throws InterruptedException {
    StreamProcess ended = process;
    int code = ended.awaitEnd();
    discardProcess();
    if (JobSignal.awaitWorkerLeaving(held, code)) {
      return new BlockFailedException("stream process was stopped");
    }
    String how = code >= 0 ? "exited with code " + code : "closed its stdout";
    String error = ended.describe("stream process " + how + " while running block " + held.id());
    if (!answeredSinceStart && BrokenCodeException.cannotRun(code)) {
      return new BrokenCodeException(Breakage.WHOLE_TASK,
          ended.describe("stream process exited with code " + code + ", " + BrokenCodeException.meaning(code))
              + "\nno block of this task can run; check the stream command '" + command + "'");
    }
    return answeredSinceStart ? new BlockFailedException(error) : diedSilently(error);
  }

  /** A process ended without answering any block: counts towards giving up. */
  private Exception diedSilently(String error) {
    silentDeaths++;
    if (silentDeaths >= MAX_SILENT_DEATHS) {
      return new BrokenCodeException(Breakage.THIS_WORKER,
          error + " (" + silentDeaths + " stream processes in a row ended before answering; giving up)");
    }
    return new BlockFailedException(error);
  }

  /** Ends the current process (if still alive) and forgets it; the next block starts a new one. */
  private void discardProcess() {
    StreamProcess p = process;
    process = null;
    if (p != null) {
      p.kill();
    }
  }

  @Override
  public void stop() throws InterruptedException {
    StreamProcess p = process;
    process = null;
    if (p != null) {
      p.close();
    }
  }

  @Override
  public boolean startsProcesses() {
    return true;
  }

  @Override
  public String description() {
    return "stream '" + command + "'";
  }
}
