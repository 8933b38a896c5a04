package org.daisyjava.scheduler.server;

import org.daisyjava.scheduler.state.TaskCounts;

/**
 * One task as the server saw it at a moment: counts, workers connected, workers waiting for a
 * block, and how many workers were lost (stopped heartbeating or left holding blocks).
 */
public record TaskSnapshot(
    String name,
    TaskCounts counts,
    boolean hasReady,
    int workers,
    int idleWorkers,
    long workersLost,
    String abandonReason) {}
