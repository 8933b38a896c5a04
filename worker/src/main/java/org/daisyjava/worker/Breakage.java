package org.daisyjava.worker;

/** How far a failure of the task's code reaches beyond the block it failed. */
enum Breakage {
  /** Only the block failed; the next one may work. */
  NONE,
  /**
   * This worker's code can run no more blocks (a stream process that keeps dying, a setup that
   * threw): the worker leaves with exit code 4 and the backend may start another.
   */
  THIS_WORKER,
  /**
   * No worker can run the task's code (a command that is not found or not executable, a class
   * that cannot be loaded): the worker leaves with a fatal goodbye and the scheduler fails the
   * task at once instead of trying every block.
   */
  WHOLE_TASK
}
