package org.daisyjava.worker;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether a worker has been asked to leave early, and how: by {@link Worker#stop()} from any
 * thread or an interrupt of the thread running it (stop: exit {@link WorkerExitCodes#STOPPED}), or
 * by {@link Worker#drain()} when the job's walltime is near (leave cleanly: exit 0). Either way the
 * worker takes no new block, hands back what it holds and says goodbye; a stop wins over a drain.
 */
final class StopRequest {
  /** How the worker was asked to leave. */
  enum Kind {
    /** Stopped from outside (SIGTERM, an interrupt): the exit says so. */
    STOP,
    /** The walltime is near (USR1 or the drain clock): a clean exit, to be replaced while the task has work. */
    DRAIN
  }

  /** Null until asked. */
  private final AtomicReference<Kind> requested = new AtomicReference<>();

  /** Any thread. */
  void request() {
    requested.set(Kind.STOP);
  }

  /** Any thread: leave cleanly, unless a stop came first. */
  void drain() {
    requested.compareAndSet(null, Kind.DRAIN);
  }

  /**
   * Poll-loop thread: whether to leave. Takes up a pending interrupt of the thread, which must not
   * reach ZeroMQ: its NIO channels close themselves when an interrupted thread uses them.
   */
  boolean isRequested() {
    if (Thread.interrupted()) {
      interrupted();
    }
    return requested.get() != null;
  }

  /** How the worker was asked to leave, or null if it was not. */
  Kind kind() {
    return requested.get();
  }

  /** Poll-loop thread: the thread was interrupted (the wait took the interrupt off the thread). */
  void interrupted() {
    requested.set(Kind.STOP);
  }
}
