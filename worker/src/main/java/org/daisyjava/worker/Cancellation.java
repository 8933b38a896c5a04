package org.daisyjava.worker;

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
      if (action != null) {
        action.run();
      }
    }
  }

  synchronized boolean isCancelled() {
    return cancelled;
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
