package org.daisyjava.launcher.backend;

/**
 * How a job ended, as its batch system tells it when asked once after the job left the queue.
 *
 * @param exitCode the job's exit code as a shell reports it (128 + n for signal n), or null
 * @param detail the batch system's own words (a reason code), or "" if none
 */
public record JobEnding(Cause cause, Integer exitCode, String detail) {
  /** The endings the launcher gives advice for; everything else is FAILED or UNKNOWN. */
  public enum Cause {
    /** Exit 0: the worker left by itself (the task was done, or the walltime drain). */
    COMPLETED,
    /** Killed at its walltime. */
    TIMEOUT,
    /** Killed for using more memory than it asked for. */
    OUT_OF_MEMORY,
    /** The node (or the batch system's agent on it) failed. */
    NODE_FAIL,
    /** Cancelled by a user or an administrator. */
    CANCELLED,
    /** Ended with an error the batch system does not explain further. */
    FAILED,
    /** The batch system no longer knows the job. */
    UNKNOWN
  }

  public static JobEnding unknown() {
    return new JobEnding(Cause.UNKNOWN, null, "");
  }

  public JobEnding {
    detail = detail == null ? "" : detail;
  }
}
