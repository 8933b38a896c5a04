package org.daisyjava.bench;

import java.io.IOException;

/**
 * A peer broke ZMTP or CURVE (bad greeting, frame, command, box or nonce): the NIO load
 * generator's connection ends, counted like a connection the network dropped.
 */
final class ZmtpException extends IOException {
  private static final long serialVersionUID = 1L;

  ZmtpException(String message) {
    super(message);
  }
}
