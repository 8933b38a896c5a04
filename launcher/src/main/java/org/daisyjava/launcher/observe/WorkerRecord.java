package org.daisyjava.launcher.observe;

import java.util.Arrays;

/** What the run knows about one worker session. Owned by {@link RunModel}, under its lock. */
final class WorkerRecord {
  final RunEvent.WorkerRef ref;
  final long pid;
  final long joinedNanos;
  long leftNanos = -1;
  boolean lost;
  String reason;
  long blocksDone;
  long blocksFailed;
  long busyNanos;
  /** Since when (model clock) the block it runs now has run; meaningful while it holds one. */
  long runningSince;
  long lastActivityNanos;
  /** When its last heartbeat came (System.nanoTime); its joining counts as one. */
  long lastHeardNanos;
  /** From /proc for a worker process on this machine; -1 while unknown. */
  double cpuSeconds = -1;
  long peakRssBytes = -1;
  /** Blocks held, in the order handed out: the first is the one running. */
  private long[] held = new long[4];
  /** The block map cell of each held block: computed once when it starts (see BlockMap.cellOf). */
  private int[] heldCells = new int[4];
  private int heldCount;

  WorkerRecord(RunEvent.WorkerRef ref, long pid, long joinedNanos) {
    this.ref = ref;
    this.pid = pid;
    this.joinedNanos = joinedNanos;
    this.lastActivityNanos = joinedNanos;
    this.lastHeardNanos = joinedNanos;
  }

  void hold(long block, int cell) {
    if (heldCount == held.length) {
      held = Arrays.copyOf(held, held.length * 2);
      heldCells = Arrays.copyOf(heldCells, heldCells.length * 2);
    }
    heldCells[heldCount] = cell;
    held[heldCount++] = block;
  }

  /** The block map cell of {@code block}, which it no longer holds; -1 if it did not hold it. */
  int drop(long block) {
    for (int i = 0; i < heldCount; i++) {
      if (held[i] == block) {
        int cell = heldCells[i];
        System.arraycopy(held, i + 1, held, i, heldCount - i - 1);
        System.arraycopy(heldCells, i + 1, heldCells, i, heldCount - i - 1);
        heldCount--;
        return cell;
      }
    }
    return -1;
  }

  /** Blocks held (one running, the others prefetched). */
  int held() {
    return heldCount;
  }

  /** The block it runs now, or -1. */
  long current() {
    return heldCount == 0 ? -1 : held[0];
  }

  boolean connected() {
    return leftNanos < 0;
  }
}
