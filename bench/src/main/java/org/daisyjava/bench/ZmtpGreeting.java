package org.daisyjava.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * ZMTP 3.0's greeting (rfc.zeromq.org 23/ZMTP), 64 bytes each way before any frame: signature
 * {@code 0xFF}, eight padding bytes, {@code 0x7F}; version 3.0; the mechanism's name padded with
 * zeros to 20 bytes; {@code as-server} (0 for a client); 31 zero filler bytes.
 *
 * <p>What JeroMQ 0.6.0 puts in the padding: the 64-bit size of a ZMTP 1.0 identity message
 * (routing id length + 1), so that a ZMTP 1.0 peer reads the signature as the header of one —
 * 17 for the 16-byte routing ids of the load generator. The specification says the padding is
 * "not significant"; it is sent the way JeroMQ sends it so that the bytes are the same. JeroMQ
 * sends the greeting in three writes (10 bytes, then the major version once the peer's
 * signature has come, then the rest once its version has); here it goes in one, which a ZMTP
 * 3.0 peer reads the same.
 */
final class ZmtpGreeting {
  static final int SIZE = 64;
  private static final int MECHANISM_AT = 12;
  private static final int MECHANISM_SIZE = 20;

  private ZmtpGreeting() {}

  /** The greeting of a client of {@code mechanism} whose routing id has {@code idSize} bytes. */
  static byte[] client(String mechanism, int idSize) {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    b.put((byte) 0xff).putLong(idSize + 1L).put((byte) 0x7f);
    b.put((byte) 3).put((byte) 0);
    b.put(mechanism.getBytes(StandardCharsets.US_ASCII));
    // the rest (mechanism padding, as-server 0, filler) stays zero
    return b.array();
  }

  /**
   * Checks the peer's greeting: a ZMTP signature, major version 3 or later, the same mechanism.
   *
   * @throws ZmtpException saying what differs
   */
  static void check(byte[] peer, String mechanism) throws ZmtpException {
    if ((peer[0] & 0xff) != 0xff || (peer[9] & 0x01) == 0) {
      throw new ZmtpException("the peer does not speak ZMTP 2.0 or later (no signature)");
    }
    if (peer[10] < 3) {
      throw new ZmtpException("the peer speaks ZMTP major version " + peer[10] + ", not 3");
    }
    byte[] name = mechanism.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < MECHANISM_SIZE; i++) {
      if (peer[MECHANISM_AT + i] != (i < name.length ? name[i] : 0)) {
        String theirs = new String(peer, MECHANISM_AT, MECHANISM_SIZE, StandardCharsets.US_ASCII).trim();
        throw new ZmtpException("the peer's mechanism is " + theirs + ", not " + mechanism);
      }
    }
  }
}
