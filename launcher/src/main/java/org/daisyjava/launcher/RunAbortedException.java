package org.daisyjava.launcher;

/**
 * {@link Daisy#run} did not get its run to an end: it could not start (its run directory is taken
 * by another launcher, holds another run, or cannot be written; a resume does not match) or was
 * stopped on the way (interrupted, the checkpoint log could not be written). A run that ends with
 * failed blocks is not aborted: its {@link RunResult} says so.
 *
 * <p>{@link #exitCode()} is the code the command line would exit with for the same cause.
 */
public final class RunAbortedException extends Exception {
  private final int exitCode;

  RunAbortedException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The command line's exit code for this cause (2: usage or run directory, 130: interrupted, ...). */
  public int exitCode() {
    return exitCode;
  }
}
