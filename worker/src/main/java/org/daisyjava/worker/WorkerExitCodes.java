package org.daisyjava.worker;

/** The values {@link Worker#run()} returns, which are also the exit codes of daisy-worker. */
public final class WorkerExitCodes {
  /** The scheduler said {@code no_more_blocks}; every held block was finished and released. */
  public static final int FINISHED = 0;
  /** daisy-worker only: bad arguments or an unreadable key file. */
  public static final int USAGE = 2;
  /** The scheduler could not be reached, went silent, or refused the worker. */
  public static final int NO_SCHEDULER = 3;
  /**
   * The task's code could not be set up (class not found, stream process would not start), or an
   * abandoned block would not stop.
   */
  public static final int CODE_FAILED = 4;
  /** {@link Worker#stop()} was called (on SIGTERM, for daisy-worker): 128 + SIGTERM, as a shell reports it. */
  public static final int STOPPED = 143;

  private WorkerExitCodes() {}
}
