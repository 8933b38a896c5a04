package org.daisyjava.scheduler.state;

import org.daisyjava.scheduler.graph.RootCursor;

/**
 * Mutable scheduling state of one task. Holds only the frontier: ready blocks beyond the lazily
 * walked roots, blocks in flight (as a count), and done blocks that still have downstream blocks
 * to finish.
 */
final class TaskState {
  final int index;
  final long total;
  final int maxRetries;
  /** Blocks that may fail for good before the task is given up. */
  final long allowedFailures;
  final RootCursor roots;
  /** Blocks made ready by finished upstream blocks, and retries. */
  final LongQueue ready = new LongQueue();
  /** Done blocks whose downstream blocks are not all finished → how many are not. */
  final LongIntMap doneWaiting = new LongIntMap();
  /** Blocks with failed attempts → how many. */
  final LongIntMap failedAttempts = new LongIntMap();
  /** Blocks recorded done by an earlier run (null: none); counted as skipped from the start. */
  final DoneBlocks resumed;

  long completed;
  long skipped;
  long failed;
  long orphaned;
  long retries;
  long inFlight;
  boolean finished;
  String abandonReason;

  TaskState(int index, long total, int maxRetries, long allowedFailures, RootCursor roots,
      DoneBlocks resumed) {
    this.index = index;
    this.total = total;
    this.maxRetries = maxRetries;
    this.allowedFailures = allowedFailures;
    this.roots = roots;
    this.resumed = resumed;
    if (resumed != null) {
      completed = resumed.count();
      skipped = completed;
    }
  }

  boolean isResumed(long id) {
    return resumed != null && resumed.contains(id);
  }

  /** Every block was finished by an earlier run. */
  boolean allResumed() {
    return resumed != null && resumed.count() == total;
  }

  boolean hasReady() {
    return !finished && (!ready.isEmpty() || !roots.isExhausted());
  }

  TaskCounts counts() {
    return new TaskCounts(total, completed, skipped, failed, orphaned, retries, inFlight,
        ready.size(), finished);
  }
}
