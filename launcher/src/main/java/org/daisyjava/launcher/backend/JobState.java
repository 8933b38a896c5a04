package org.daisyjava.launcher.backend;

/** A cluster job's state, as far as the launcher cares. */
public enum JobState {
  PENDING,
  RUNNING,
  DONE,
  FAILED,
  /** Suspended or held: alive but not running. */
  HELD,
  /** A state code the launcher does not know. */
  UNKNOWN,
  /** No longer listed by the queue: ended one way or another. */
  GONE;

  /** True if the job still occupies (or waits for) an allocation. */
  public boolean alive() {
    return this == PENDING || this == RUNNING || this == HELD || this == UNKNOWN;
  }
}
