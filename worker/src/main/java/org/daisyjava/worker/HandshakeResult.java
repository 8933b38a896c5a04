package org.daisyjava.worker;

import org.daisyjava.core.protocol.Message.Welcome;

/** How connecting to the scheduler ended. */
sealed interface HandshakeResult {
  /** A scheduler welcomed the worker on {@code channel}. */
  record Connected(SchedulerChannel channel, Welcome welcome) implements HandshakeResult {}

  /** No scheduler welcomed the worker; {@code exitCode} says why (3, or stopped). */
  record NotConnected(int exitCode) implements HandshakeResult {}
}
