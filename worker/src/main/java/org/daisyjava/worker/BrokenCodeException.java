package org.daisyjava.worker;

/**
 * The task's code failed and cannot run any other block either: the worker releases the block
 * (if any) as failed and leaves with exit code 4; with {@link Breakage#WHOLE_TASK} its goodbye
 * tells the scheduler to fail the whole task.
 */
final class BrokenCodeException extends Exception {
  /**
   * Exit codes of {@code /bin/sh} that no retry can change: 126 the command is not executable,
   * 127 it was not found.
   */
  static final int NOT_EXECUTABLE = 126;
  static final int NOT_FOUND = 127;

  private final Breakage breakage;

  BrokenCodeException(Breakage breakage, String error) {
    super(error);
    if (breakage == null || breakage == Breakage.NONE) {
      throw new IllegalArgumentException("a broken code breaks a worker or the task, got " + breakage);
    }
    this.breakage = breakage;
  }

  Breakage breakage() {
    return breakage;
  }

  /** True for the shell's exit codes that mean the command itself cannot run. */
  static boolean cannotRun(int exitCode) {
    return exitCode == NOT_EXECUTABLE || exitCode == NOT_FOUND;
  }

  /** What the shell's exit code means, for messages: "not found", "not executable". */
  static String meaning(int exitCode) {
    return exitCode == NOT_FOUND ? "command not found" : "command not executable";
  }
}
