package org.daisyjava.core.protocol;

/**
 * How the scheduler's socket admits peers: {@link ServerKeys} (CURVE, the default: only this
 * run's workers get in, and everything is encrypted) or {@link #PLAIN} (no authentication at all;
 * the launcher allows it only when every address is loopback).
 */
public sealed interface ServerSecurity permits ServerKeys, ServerSecurity.Plain {
  Plain PLAIN = new Plain();

  /** No CURVE: any peer that can reach the port may talk. */
  record Plain() implements ServerSecurity {}
}
