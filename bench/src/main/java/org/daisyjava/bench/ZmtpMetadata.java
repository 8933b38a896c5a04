package org.daisyjava.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * ZMTP 3.0's metadata (the properties of a READY or INITIATE command, rfc.zeromq.org 23/ZMTP):
 * each is a one-byte name length, the name, a four-byte value length in network order and the
 * value. What a JeroMQ 0.6.0 DEALER announces, in this order: {@code Socket-Type} {@code DEALER}
 * and {@code Identity} (its routing id — the ROUTER files the peer's messages under it, and the
 * scheduler keys a worker's session by it).
 */
final class ZmtpMetadata {
  private static final byte[] SOCKET_TYPE = "Socket-Type".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] IDENTITY = "Identity".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DEALER = "DEALER".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ROUTER = "ROUTER".getBytes(StandardCharsets.US_ASCII);

  private ZmtpMetadata() {}

  /** A DEALER's properties with routing id {@code id}. */
  static byte[] dealer(byte[] id) {
    ByteBuffer b = ByteBuffer.allocate(size(SOCKET_TYPE, DEALER) + size(IDENTITY, id));
    put(b, SOCKET_TYPE, DEALER);
    put(b, IDENTITY, id);
    return b.array();
  }

  private static int size(byte[] name, byte[] value) {
    return 1 + name.length + 4 + value.length;
  }

  private static void put(ByteBuffer b, byte[] name, byte[] value) {
    b.put((byte) name.length).put(name).putInt(value.length).put(value);
  }

  /**
   * Checks the peer's properties in {@code m[from, to)}: well formed, and a {@code Socket-Type}
   * a DEALER may talk to (ROUTER or DEALER; JeroMQ refuses others likewise).
   *
   * @throws ZmtpException for a malformed property list or an incompatible socket type
   */
  static void checkPeer(byte[] m, int from, int to) throws ZmtpException {
    boolean typed = false;
    int i = from;
    while (i < to) {
      int nameLength = m[i] & 0xff;
      if (i + 1 + nameLength + 4 > to) {
        throw new ZmtpException("metadata: a property runs past the command's end");
      }
      int nameAt = i + 1;
      int valueLength = ByteBuffer.wrap(m, nameAt + nameLength, 4).getInt();
      int valueAt = nameAt + nameLength + 4;
      if (valueLength < 0 || valueLength > to - valueAt) {
        throw new ZmtpException("metadata: a value runs past the command's end");
      }
      if (equal(m, nameAt, nameLength, SOCKET_TYPE)) {
        if (!equal(m, valueAt, valueLength, ROUTER) && !equal(m, valueAt, valueLength, DEALER)) {
          throw new ZmtpException("the peer is a " + new String(m, valueAt, valueLength, StandardCharsets.US_ASCII)
              + " socket, which a DEALER cannot talk to");
        }
        typed = true;
      }
      i = valueAt + valueLength;
    }
    if (!typed) {
      throw new ZmtpException("metadata: no Socket-Type");
    }
  }

  private static boolean equal(byte[] m, int at, int length, byte[] name) {
    if (length != name.length) {
      return false;
    }
    for (int k = 0; k < length; k++) {
      // ZMTP: property names are case-insensitive
      if (Character.toLowerCase(m[at + k]) != Character.toLowerCase(name[k])) {
        return false;
      }
    }
    return true;
  }
}
