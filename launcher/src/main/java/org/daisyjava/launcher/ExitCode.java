package org.daisyjava.launcher;

/** The process exit codes of the contract. */
public final class ExitCode {
  /** Every block completed (or was skipped as already done). */
  public static final int OK = 0;
  /** The run ended but some blocks failed or were orphaned. */
  public static final int BLOCKS_FAILED = 1;
  /** Usage or config error: nothing was submitted, no run directory was created. */
  public static final int USAGE = 2;
  /** The cluster refused or lost the run. */
  public static final int CLUSTER = 3;
  /** Interrupted by SIGINT/SIGTERM. */
  public static final int INTERRUPTED = 130;

  private ExitCode() {}
}
