package org.daisyjava.launcher.run;

/** A launch that cannot go on, with the exit code the contract gives for it. */
public final class LaunchException extends Exception {
  private final int exitCode;

  public LaunchException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public LaunchException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
