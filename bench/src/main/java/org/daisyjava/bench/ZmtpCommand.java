package org.daisyjava.bench;

import java.nio.charset.StandardCharsets;

/**
 * ZMTP 3.0's command body (rfc.zeromq.org 23/ZMTP): the name's length in one byte, the name,
 * then the command's data. ERROR's data is a one-byte length and a reason.
 */
final class ZmtpCommand {
  private ZmtpCommand() {}

  /** A command name as it starts a command's body. */
  static byte[] name(String name) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[n.length + 1];
    out[0] = (byte) n.length;
    System.arraycopy(n, 0, out, 1, n.length);
    return out;
  }

  /** {@code body} starts with the command name {@code name} (as made by {@link #name}). */
  static boolean is(byte[] body, byte[] name) {
    if (body.length < name.length) {
      return false;
    }
    for (int i = 0; i < name.length; i++) {
      if (body[i] != name[i]) {
        return false;
      }
    }
    return true;
  }

  /** The reason of an ERROR command (bounded by the body), for the message that ends the connection. */
  static String errorReason(byte[] body) {
    int n = body.length > 6 ? Math.min(body[6] & 0xff, body.length - 7) : 0;
    return n <= 0 ? "" : new String(body, 7, n, StandardCharsets.US_ASCII);
  }
}
