package org.daisyjava.launcher;

/**
 * How one task of a {@link Daisy#run} ended, counted as in {@code summary.json}.
 *
 * @param total blocks of the task
 * @param completed blocks done, including skipped ones (as daisy counts)
 * @param skipped blocks found done already (checkpoint log or {@code check}) and not run
 * @param failed blocks that failed for good
 * @param orphaned blocks never run because a block they depend on failed
 * @param retries failed attempts that were tried again
 */
public record TaskResult(long total, long completed, long skipped, long failed, long orphaned, long retries) {
  /** True if every block completed (or was skipped as already done). */
  public boolean succeeded() {
    return completed == total;
  }
}
