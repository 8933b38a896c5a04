package org.daisyjava.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * {@code process: {command: CMD}}: runs {@code /bin/sh -c CMD} once per block with the block's
 * {@code DAISY_*} environment; exit code 0 is success. Its stdout is the worker's stdout; its stderr
 * is copied to the worker's stderr in chunks and its last lines go into the failure's error. Exit
 * code 126 (not executable) or 127 (not found) means no block can run: the whole task fails.
 */
final class CommandRunner implements BlockRunner {
  /** How long stderr may stay open after the command exited (a background child may hold it). */
  private static final Duration STDERR_DRAIN = Duration.ofSeconds(1);

  private final String command;
  private LiveWorkerContext context;

  CommandRunner(String command) {
    if (command == null || command.isBlank()) {
      throw new IllegalArgumentException("command must not be empty");
    }
    this.command = command;
  }

  @Override
  public void start(LiveWorkerContext context) {
    this.context = context;
  }

  @Override
  public void run(HeldBlock held) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command);
    Map<String, String> env = builder.environment();
    DaisyEnvironment.putWorker(env, context);
    DaisyEnvironment.putBlock(env, held.block());
    DaisyEnvironment.putAttempt(env, held.attempt());
    PythonPath.put(env);
    builder.redirectOutput(ProcessBuilder.Redirect.INHERIT);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new BlockFailedException("command could not be started: " + e.getMessage());
    }
    // a command that reads stdin gets end-of-file, not the worker's terminal
    process.getOutputStream().close();
    StderrTail stderr =
        StderrTail.start(process.getErrorStream(), System.err, "daisy-stderr-block-" + held.id());
    held.cancellation().onCancel(() -> ProcessTree.terminate(process.toHandle()));
    int code;
    try {
      code = process.waitFor();
    } catch (InterruptedException e) {
      ProcessTree.terminate(process.toHandle());
      throw e;
    } finally {
      held.cancellation().clearAction();
    }
    stderr.awaitEnd(STDERR_DRAIN);
    if (JobSignal.awaitWorkerLeaving(held, code)) {
      throw new BlockFailedException("command was stopped (exit code " + code + ")");
    }
    if (BrokenCodeException.cannotRun(code)) {
      throw new BrokenCodeException(Breakage.WHOLE_TASK,
          stderr.describe("command exited with code " + code + ", " + BrokenCodeException.meaning(code))
              + "\nno block of this task can run; check the command '" + command + "'");
    }
    if (code != 0) {
      throw new BlockFailedException(stderr.describe("command exited with code " + code));
    }
  }

  @Override
  public void stop() {}

  @Override
  public boolean startsProcesses() {
    return true;
  }

  @Override
  public String description() {
    return "command '" + command + "'";
  }
}
