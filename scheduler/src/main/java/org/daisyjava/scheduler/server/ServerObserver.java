package org.daisyjava.scheduler.server;

/**
 * Sees what happens to workers and blocks, for the launcher's event stream, statistics and block
 * map (the snapshot only carries counts). Called on the server's loop thread, in the order things
 * happen, between messages: an implementation must return at once, never block and never call
 * back into the server; it gets primitive values so that calling it allocates nothing.
 */
public interface ServerObserver {
  /** Sees nothing (the default). */
  ServerObserver NONE = new ServerObserver() {};

  /** How a block's lease ended. */
  enum Ending {
    /** Released as done; {@link #blockDone} follows once its record is durable. */
    SUCCEEDED,
    /** Failed (error, timeout or its worker lost) and queued again. */
    RETRY,
    /** Failed for good. */
    FAILED,
    /** Cut off by the run's shutdown: stays unfinished. */
    STOPPED
  }

  /** A worker said hello and was welcomed; {@code worker} is its session id. */
  default void workerJoined(long worker, int task, String name, String host, long pid, String job,
      String log) {}

  /** A worker is gone: left in order ({@code lost} false) or lost. Called after its blocks ended. */
  default void workerLeft(long worker, int task, String reason, boolean lost) {}

  /** A heartbeat came from a worker (about once per heartbeat interval). */
  default void workerHeard(long worker) {}

  /**
   * A worker reported what its process has used so far (in a heartbeat, or in its goodbye, just
   * before {@link #workerLeft}): CPU time in ms, with its ended children's, and peak resident set
   * in kB. Within {@link org.daisyjava.core.ProcessUsage}'s bounds.
   */
  default void workerUsage(long worker, long cpuMillis, long peakRssKb) {}

  /** A block was handed to a worker. */
  default void blockStarted(int task, long block, long worker, int attempt) {}

  /**
   * A lease ended. {@code runNanos} is from when the block started running (handed out, or the
   * release of the worker's block before it) to now; {@code error} is null unless it failed.
   */
  default void blockEnded(int task, long block, long worker, int attempt, long runNanos, Ending ending,
      String error) {}

  /** A block counts as done (its record is durable); {@code skipped} if found done, not run. */
  default void blockDone(int task, long block, boolean skipped) {}
}
