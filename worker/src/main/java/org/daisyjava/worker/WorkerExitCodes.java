package org.daisyjava.worker;

/** The values {@link Worker#run()} returns, which are also the exit codes of daisy-worker. */
public final class WorkerExitCodes {
  /** The scheduler said {@code no_more_blocks}; every held block was finished and released. */
  public static final int FINISHED = 0;
  /** daisy-worker only: bad arguments or an unreadable key file. */
  public static final int USAGE = 2;
  /** The scheduler went silent or refused the worker (after it had been reached). */
  public static final int NO_SCHEDULER = 3;
  /**
   * No scheduler answered at any of the addresses within the connect timeout: the worker never
   * reached one. Distinct from {@link #NO_SCHEDULER} because it almost always means the compute
   * node cannot reach the head (wrong scheduler.host, a firewall, another network), which no
   * number of replacement jobs fixes; the launcher stops early on it. The worker's log ends with
   * a line starting {@link #NEVER_CONNECTED_LINE}.
   */
  public static final int NEVER_CONNECTED = 5;
  /** How the worker's reason line for {@link #NEVER_CONNECTED} starts (launchers quote it). */
  public static final String NEVER_CONNECTED_LINE = "never connected: ";
  /**
   * The task's code could not be set up (class not found, stream process would not start), or an
   * abandoned block would not stop.
   */
  public static final int CODE_FAILED = 4;
  /** {@link Worker#stop()} was called (on SIGTERM, for daisy-worker): 128 + SIGTERM, as a shell reports it. */
  public static final int STOPPED = 143;

  private WorkerExitCodes() {}
}
