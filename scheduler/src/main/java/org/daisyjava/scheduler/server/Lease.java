package org.daisyjava.scheduler.server;

/**
 * A block handed to a worker. {@code clockStart} is when its timeout clock started: when it was
 * handed out, or — for a prefetched block — when the block before it was released, because a
 * worker runs its blocks one after the other.
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
