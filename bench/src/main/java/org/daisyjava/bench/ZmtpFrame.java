package org.daisyjava.bench;

import java.nio.ByteBuffer;

/**
 * ZMTP 3.0's framing (rfc.zeromq.org 23/ZMTP), the one owner of it in the NIO load generator: a
 * frame is a flags byte, its body's size (one byte, or eight in network order when the {@link
 * #LONG} flag is set), then the body. JeroMQ 0.6.0's encoder uses the long form exactly when the
 * body exceeds 255 bytes, so this one does too (same bytes on the wire).
 *
 * <p>Reading is bounded: a header that claims more than the caller's limit is refused before
 * anything is allocated for the body (as {@code ZMQ_MAXMSGSIZE} does for a real worker).
 */
final class ZmtpFrame {
  /** More frames of this message follow. */
  static final int MORE = 0x01;
  /** The size field is eight bytes. */
  static final int LONG = 0x02;
  /** The frame is a command (greeting-level handshake, PING), not a message. */
  static final int COMMAND = 0x04;
  /** Flags a peer may set; others are reserved and must be zero. */
  private static final int KNOWN = MORE | LONG | COMMAND;

  private ZmtpFrame() {}

  /** Bytes a frame with a body of {@code size} takes on the wire. */
  static int wireSize(int size) {
    return size > 255 ? 9 + size : 2 + size;
  }

  /** Appends a frame of {@code flags} (without {@link #LONG}; it is added when needed) and {@code body}. */
  static void write(ByteBuffer out, int flags, byte[] body) {
    if (body.length > 255) {
      out.put((byte) (flags | LONG));
      out.putLong(body.length);
    } else {
      out.put((byte) flags);
      out.put((byte) body.length);
    }
    out.put(body);
  }

  /**
   * The wire size of the complete frame at {@code in}'s position, or -1 if not all of it has
   * arrived yet ({@code in} is not moved).
   *
   * @throws ZmtpException for reserved flags or a size above {@code maxBody}
   */
  static int completeFrame(ByteBuffer in, long maxBody) throws ZmtpException {
    int at = in.position();
    int available = in.remaining();
    if (available < 2) {
      return -1;
    }
    int flags = in.get(at) & 0xff;
    if ((flags & ~KNOWN) != 0) {
      throw new ZmtpException("frame with reserved flags 0x" + Integer.toHexString(flags));
    }
    long size;
    int header;
    if ((flags & LONG) != 0) {
      if (available < 9) {
        return -1;
      }
      size = in.getLong(at + 1);
      header = 9;
    } else {
      size = in.get(at + 1) & 0xff;
      header = 2;
    }
    if (size < 0 || size > maxBody) {
      throw new ZmtpException("frame of " + Long.toUnsignedString(size) + " bytes, above the limit of " + maxBody);
    }
    return available >= header + size ? header + (int) size : -1;
  }

  /** The flags of the complete frame at {@code in}'s position. */
  static int flags(ByteBuffer in) {
    return in.get(in.position()) & 0xff;
  }

  /** Reads the complete frame at {@code in}'s position (see {@link #completeFrame}) and returns its body. */
  static byte[] take(ByteBuffer in) {
    int flags = in.get() & 0xff;
    int size = (flags & LONG) != 0 ? (int) in.getLong() : in.get() & 0xff;
    byte[] body = new byte[size];
    in.get(body);
    return body;
  }
}
