package org.daisyjava.worker;

/** What the runner thread tells the poll loop, through a queue and a {@link Wakeup}. */
sealed interface RunnerEvent {
  /** The task's code is set up: blocks may be acquired. */
  record Ready() implements RunnerEvent {}

  /**
   * The task's code could not be set up; the worker must leave (exit 4).
   *
   * @param breakage {@link Breakage#WHOLE_TASK} if no worker could set it up (a class that cannot
   *     be loaded), else {@link Breakage#THIS_WORKER}
   */
  record SetupFailed(String reason, Breakage breakage) implements RunnerEvent {}

  /**
   * A block is over.
   *
   * @param error what went wrong, or null on success
   * @param nanos how long the block's code ran
   * @param breakage other than {@link Breakage#NONE} if the task's code can run no more blocks
   *     (e.g. a stream process that keeps dying, a command not found): the worker releases this
   *     block and leaves (exit 4). One event for both, so that the loop never asks for another
   *     block in between.
   */
  record Finished(HeldBlock block, boolean success, String error, long nanos, Breakage breakage)
      implements RunnerEvent {
    boolean broken() {
      return breakage != Breakage.NONE;
    }
  }
}
