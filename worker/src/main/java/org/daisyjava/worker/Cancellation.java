package org.daisyjava.worker;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A request to stop one running block, made by the poll loop (abandon, stop, lost scheduler) and
 * honoured by the runner thread. The runner says how to stop what it is doing right now (kill a
 * process, interrupt itself); a request made before it has said so is acted on as soon as it does,
 * so a block cancelled just as it starts is not missed.
 */
final class Cancellation {
  private boolean cancelled;
  private Runnable action;

  /** Asks the block to stop; runs the registered action, if any. Idempotent. */
  synchronized void cancel() {
    if (!cancelled) {
      cancelled = true;
      notifyAll();
      if (action != null) {
        action.run();
      }
    }
  }

  synchronized boolean isCancelled() {
    return cancelled;
  }

  /** Waits until the block is cancelled, at most {@code timeout}; returns whether it is. */
  synchronized boolean awaitCancelled(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!cancelled) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /**
   * Sets how to stop the block's current work, replacing any earlier action; runs it at once if
   * the block is already cancelled. The action must be quick and must not block.
   */
  synchronized void onCancel(Runnable stop) {
    action = stop;
    if (cancelled) {
      stop.run();
    }
  }

  /** Forgets the action: the work it would stop is over. */
  synchronized void clearAction() {
    action = null;
  }
}
