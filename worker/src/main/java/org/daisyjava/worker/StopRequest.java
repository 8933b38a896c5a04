package org.daisyjava.worker;

/**
 * Whether a worker has been asked to leave early: by {@link Worker#stop()} from any thread, or by
 * an interrupt of the thread running it.
 */
final class StopRequest {
  private volatile boolean requested;

  /** Any thread. */
  void request() {
    requested = true;
  }

  /**
   * Poll-loop thread: whether to leave. Takes up a pending interrupt of the thread, which must not
   * reach ZeroMQ: its NIO channels close themselves when an interrupted thread uses them.
   */
  boolean isRequested() {
    if (Thread.interrupted()) {
      interrupted();
    }
    return requested;
  }

  /** Poll-loop thread: the thread was interrupted (the wait took the interrupt off the thread). */
  void interrupted() {
    requested = true;
  }
}
