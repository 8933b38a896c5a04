package org.daisyjava.bench;

import java.io.IOException;

/**
 * A peer broke ZMTP or CURVE (bad greeting, frame, command, box or nonce), or refused the
 * handshake with an ERROR command ({@link #refusal}): the NIO load generator's connection ends.
 */
final class ZmtpException extends IOException {
  private static final long serialVersionUID = 1L;

  private final boolean refusal;

  ZmtpException(String message) {
    this(message, false);
  }

  private ZmtpException(String message, boolean refusal) {
    super(message);
    this.refusal = refusal;
  }

  /** The server said no (an ERROR command in the handshake): trying again would not help. */
  static ZmtpException refusal(String message) {
    return new ZmtpException(message, true);
  }

  boolean isRefusal() {
    return refusal;
  }
}
