package org.daisyjava.worker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The hand-over between the poll loop and the runner threads (one per slot): blocks waiting to
 * run, in the order received, and those running. A runner takes the next block itself as soon as
 * it finishes one, so a prefetched block starts without waiting for the poll loop to wake up; the
 * blocks therefore start in the order received, as many at once as there are slots — which is
 * what the scheduler assumes when it starts their timeout clocks.
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
  /** At most one per slot; a handful, so a list. */
  private final List<HeldBlock> running = new ArrayList<>();
  private boolean closed;

  /** Poll loop: a block arrived. */
  synchronized void add(HeldBlock block) {
    if (closed) {
      throw new IllegalStateException("held blocks are closed; block " + block.id() + " cannot be added");
    }
    waiting.add(block);
    // one block, one runner: waking every idle slot for it would have all but one go back to
    // sleep (8 slots and no-op blocks: most of the loop's time). A runner that was not waiting
    // may take the block first; the woken one then finds nothing and waits again, so no block
    // is left behind and no wake-up is needed for it. close() wakes all.
    notify();
  }

  /**
   * Runner thread: waits for the next block and marks it running. Returns null once closed and
   * nothing is left to run.
   */
  synchronized HeldBlock takeNext() throws InterruptedException {
    while (waiting.isEmpty() && !closed) {
      wait();
    }
    HeldBlock next = waiting.poll();
    if (next != null) {
      running.add(next);
    }
    return next;
  }

  /**
   * Runner thread: its running block is over. Found by identity: the block is this very object,
   * and a record's generated equals would compare every component, through method handles that
   * run slowly until compiled (a quarter of a runner's time in a 10^4-block run).
   */
  synchronized void finished(HeldBlock block) {
    for (int i = 0; i < running.size(); i++) {
      if (running.get(i) == block) {
        running.remove(i);
        return;
      }
    }
  }

  /** How many blocks are running now (for tests and log lines). */
  synchronized int runningCount() {
    return running.size();
  }

  /** Poll loop: the scheduler abandoned block {@code id}. */
  synchronized Abandoned abandon(long id) {
    for (Iterator<HeldBlock> it = waiting.iterator(); it.hasNext(); ) {
      if (it.next().id() == id) {
        it.remove();
        return Abandoned.DROPPED;
      }
    }
    for (HeldBlock r : running) {
      if (r.id() == id) {
        // only this slot's block: the other slots run on
        r.cancellation().cancel();
        return Abandoned.STOPPING;
      }
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
   * Poll loop: the worker is leaving early. Drops every waiting block, asks the running ones to
   * stop, and returns how many were dropped.
   */
  synchronized int closeAndCancel() {
    int dropped = waiting.size();
    waiting.clear();
    for (HeldBlock r : running) {
      r.cancellation().cancel();
    }
    close();
    return dropped;
  }
}
