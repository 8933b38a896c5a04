package org.daisyjava.scheduler.server;

/**
 * A block handed to a worker. {@code clockStart} is when its timeout clock started: when it was
 * handed out, or — for a prefetched block — when a slot of the worker became free for it (a
 * release of one of the blocks before it), because a worker with {@code slots} slots runs its
 * blocks in order, that many at a time.
 */
final class Lease {
  final long blockId;
  final int attempt;
  long clockStart;

  Lease(long blockId, int attempt, long clockStart) {
    this.blockId = blockId;
    this.attempt = attempt;
    this.clockStart = clockStart;
  }
}
