package org.daisyjava.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The NIO client's framing, greeting and metadata against hostile and partial input. */
class ZmtpCodecTest {
  @Test
  void framesRoundTripShortAndLongAndWaitForTheirLastByte() throws Exception {
    for (int size : new int[] {0, 1, 255, 256, 70_000}) {
      byte[] body = new byte[size];
      Arrays.fill(body, (byte) 7);
      ByteBuffer out = ByteBuffer.allocate(ZmtpFrame.wireSize(size));
      ZmtpFrame.write(out, ZmtpFrame.COMMAND, body);
      assertEquals(out.capacity(), out.position(), "wireSize is what write writes");
      byte[] wire = out.array();
      assertEquals(size > 255 ? ZmtpFrame.COMMAND | ZmtpFrame.LONG : ZmtpFrame.COMMAND, wire[0]);
      for (int cut = 0; cut < wire.length; cut += Math.max(1, wire.length / 7)) {
        assertEquals(-1, ZmtpFrame.completeFrame(ByteBuffer.wrap(wire, 0, cut), 1 << 20), "incomplete at " + cut);
      }
      ByteBuffer in = ByteBuffer.wrap(wire);
      assertEquals(wire.length, ZmtpFrame.completeFrame(in, 1 << 20));
      assertEquals(0, in.position(), "completeFrame does not move the buffer");
      assertArrayEquals(body, ZmtpFrame.take(in));
      assertTrue(!in.hasRemaining());
    }
  }

  @Test
  void aHeaderClaimingTooMuchOrWithReservedFlagsIsRefusedBeforeItsBodyComes() {
    ByteBuffer huge = ByteBuffer.allocate(9).put((byte) ZmtpFrame.LONG).putLong(2L << 30).flip();
    assertThrows(ZmtpException.class, () -> ZmtpFrame.completeFrame(huge, 1 << 20));
    ByteBuffer negative = ByteBuffer.allocate(9).put((byte) ZmtpFrame.LONG).putLong(-1).flip();
    assertThrows(ZmtpException.class, () -> ZmtpFrame.completeFrame(negative, 1 << 20));
    ByteBuffer reserved = ByteBuffer.wrap(new byte[] {(byte) 0x80, 0});
    assertThrows(ZmtpException.class, () -> ZmtpFrame.completeFrame(reserved, 1 << 20));
  }

  @Test
  void greetingIsCheckedForSignatureVersionAndMechanism() throws Exception {
    ZmtpGreeting.check(ZmtpGreeting.client("CURVE", 16), "CURVE");
    assertThrows(ZmtpException.class, () -> ZmtpGreeting.check(ZmtpGreeting.client("NULL", 16), "CURVE"));
    byte[] old = ZmtpGreeting.client("CURVE", 16);
    old[10] = 2;
    assertThrows(ZmtpException.class, () -> ZmtpGreeting.check(old, "CURVE"));
    byte[] unsigned = ZmtpGreeting.client("CURVE", 16);
    unsigned[0] = 0;
    assertThrows(ZmtpException.class, () -> ZmtpGreeting.check(unsigned, "CURVE"));
  }

  @Test
  void peerMetadataMustBeWellFormedAndFromACompatibleSocket() throws Exception {
    byte[] dealer = ZmtpMetadata.dealer(new byte[16]);
    ZmtpMetadata.checkPeer(dealer, 0, dealer.length);
    assertThrows(ZmtpException.class, () -> ZmtpMetadata.checkPeer(dealer, 0, dealer.length - 1), "truncated");
    byte[] lying = dealer.clone();
    lying[1 + "Socket-Type".length()] = 0x7f; // a value length of about 2 GB
    assertThrows(ZmtpException.class, () -> ZmtpMetadata.checkPeer(lying, 0, lying.length));
    byte[] pub = dealer.clone();
    System.arraycopy("PUB\0\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, pub,
        1 + "Socket-Type".length() + 4, 6);
    assertThrows(ZmtpException.class, () -> ZmtpMetadata.checkPeer(pub, 0, pub.length), "a socket type a DEALER cannot talk to");
    assertThrows(ZmtpException.class, () -> ZmtpMetadata.checkPeer(new byte[0], 0, 0), "no Socket-Type");
  }
}
