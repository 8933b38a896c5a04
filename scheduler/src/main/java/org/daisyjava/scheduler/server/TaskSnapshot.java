package org.daisyjava.scheduler.server;

import org.daisyjava.scheduler.state.TaskCounts;

/**
 * One task as the server saw it at a moment: counts, workers connected, their slots (blocks they
 * can run at once, the sum of their hellos' {@code slots}), workers waiting for a block, and how
 * many workers were lost (stopped heartbeating or left holding blocks).
 */
public record TaskSnapshot(
    String name,
    TaskCounts counts,
    boolean hasReady,
    int workers,
    int slots,
    int idleWorkers,
    long workersLost,
    String abandonReason) {
  /** A snapshot of one-slot workers. */
  public TaskSnapshot(String name, TaskCounts counts, boolean hasReady, int workers, int idleWorkers,
      long workersLost, String abandonReason) {
    this(name, counts, hasReady, workers, workers, idleWorkers, workersLost, abandonReason);
  }
}
