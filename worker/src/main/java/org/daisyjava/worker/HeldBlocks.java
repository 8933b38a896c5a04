package org.daisyjava.worker;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The hand-over between the poll loop and the runner thread: blocks waiting to run, in the order
 * received, and the one running. The runner takes the next block itself as soon as it finishes one,
 * so a prefetched block starts without waiting for the poll loop to wake up.
 */
final class HeldBlocks {
  /** What {@link #abandon} found. */
  enum Abandoned {
    /** The block was waiting: it is gone and will never run. */
    DROPPED,
    /** The block is running: it was asked to stop and will be reported finished when it does. */
    STOPPING,
    /** This worker does not hold the block. */
    NOT_HELD
  }

  private final ArrayDeque<HeldBlock> waiting = new ArrayDeque<>();
  private HeldBlock running;
  private boolean closed;

  /** Poll loop: a block arrived. */
  synchronized void add(HeldBlock block) {
    if (closed) {
      throw new IllegalStateException("held blocks are closed; block " + block.id() + " cannot be added");
    }
    waiting.add(block);
    notifyAll();
  }

  /**
   * Runner thread: waits for the next block and marks it running. Returns null once closed and
   * nothing is left to run.
   */
  synchronized HeldBlock takeNext() throws InterruptedException {
    while (waiting.isEmpty() && !closed) {
      wait();
    }
    running = waiting.poll();
    return running;
  }

  /** Runner thread: the running block is over. */
  synchronized void finished(HeldBlock block) {
    if (running == block) {
      running = null;
    }
  }

  /** Poll loop: the scheduler abandoned block {@code id}. */
  synchronized Abandoned abandon(long id) {
    for (Iterator<HeldBlock> it = waiting.iterator(); it.hasNext(); ) {
      if (it.next().id() == id) {
        it.remove();
        return Abandoned.DROPPED;
      }
    }
    if (running != null && running.id() == id) {
      running.cancellation().cancel();
      return Abandoned.STOPPING;
    }
    return Abandoned.NOT_HELD;
  }

  /**
   * Poll loop: no more blocks will be added. The runner finishes what is waiting, then sees the end.
   */
  synchronized void close() {
    closed = true;
    notifyAll();
  }

  /**
   * Poll loop: the worker is leaving early. Drops every waiting block, asks the running one to stop,
   * and returns how many were dropped.
   */
  synchronized int closeAndCancel() {
    int dropped = waiting.size();
    waiting.clear();
    if (running != null) {
      running.cancellation().cancel();
    }
    close();
    return dropped;
  }
}
