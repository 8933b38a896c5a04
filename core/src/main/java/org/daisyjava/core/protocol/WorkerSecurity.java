package org.daisyjava.core.protocol;

/**
 * How a worker's socket talks to the scheduler: {@link WorkerKeyFile} (CURVE: the handshake
 * succeeds only against the scheduler holding the run's server secret) or {@link #PLAIN} (for a
 * scheduler run with {@code scheduler.encryption: off}).
 */
public sealed interface WorkerSecurity permits WorkerKeyFile, WorkerSecurity.Plain {
  Plain PLAIN = new Plain();

  /** No CURVE. */
  record Plain() implements WorkerSecurity {}
}
