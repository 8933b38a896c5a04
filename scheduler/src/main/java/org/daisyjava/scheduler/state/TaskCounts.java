package org.daisyjava.scheduler.state;

/**
 * Progress of one task, as in {@code summary.json}.
 *
 * @param total blocks of the task
 * @param completed blocks done, including skipped ones (as daisy counts)
 * @param skipped blocks found done already (checkpoint log or {@code check}) and not run
 * @param failed blocks that failed for good
 * @param orphaned blocks never run because a block they depend on failed (known once the task
 *     has finished)
 * @param retries failed attempts that were tried again
 * @param running blocks handed out (or being committed) and not yet finished
 * @param ready blocks known to be ready (besides the not yet enumerated root blocks)
 * @param finished true when no block of the task can run any more
 */
public record TaskCounts(
    long total,
    long completed,
    long skipped,
    long failed,
    long orphaned,
    long retries,
    long running,
    long ready,
    boolean finished) {

  /** Blocks that are neither completed, failed nor orphaned. */
  public long remaining() {
    return total - completed - failed - orphaned;
  }
}
