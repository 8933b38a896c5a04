package org.daisyjava.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.daisyjava.nacl.Box;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CurveClient} against the server half of CurveZMQ written here from the specification
 * (rfc.zeromq.org 26/CurveZMQ), in memory: what INITIATE carries, and that the server's messages
 * are taken only with a valid box and an increasing nonce. (Interop with JeroMQ's own server is
 * {@link ZmtpInteropTest}.)
 */
class CurveClientTest {
  private final SecureRandom random = new SecureRandom();
  private final byte[] clientPublic = new byte[32];
  private final byte[] clientSecret = new byte[32];
  private final byte[] serverPublic = new byte[32];
  private final byte[] serverSecret = new byte[32];
  private final byte[] serverTransientPublic = new byte[32];
  private final byte[] serverTransientSecret = new byte[32];
  private final byte[] id = new byte[16];
  private CurveClient client;
  private byte[] clientTransient;
  private byte[] initiate;

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] nonce(String prefix, byte[] tail) {
    byte[] n = new byte[24];
    System.arraycopy(ascii(prefix), 0, n, 0, prefix.length());
    System.arraycopy(tail, 0, n, prefix.length(), tail.length);
    return n;
  }

  /** Box[m](a -> B) without NaCl's leading zeros: tag, then ciphertext. */
  private static byte[] box(byte[] m, byte[] nonce, byte[] publicKey, byte[] secretKey) {
    byte[] padded = new byte[32 + m.length];
    System.arraycopy(m, 0, padded, 32, m.length);
    byte[] c = new byte[padded.length];
    assertEquals(0, Box.seal(c, padded, padded.length, nonce, publicKey, secretKey));
    return Arrays.copyOfRange(c, 16, c.length);
  }

  /** Opens a box as {@link #box} makes it; null for a wrong one. */
  private static byte[] open(byte[] c, byte[] nonce, byte[] publicKey, byte[] secretKey) {
    byte[] padded = new byte[16 + c.length];
    System.arraycopy(c, 0, padded, 16, c.length);
    byte[] m = new byte[padded.length];
    return Box.open(m, padded, padded.length, nonce, publicKey, secretKey) == 0
        ? Arrays.copyOfRange(m, 32, m.length) : null;
  }

  private static byte[] concat(byte[]... parts) {
    ByteBuffer b = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
    for (byte[] p : parts) {
      b.put(p);
    }
    return b.array();
  }

  private static byte[] shortNonce(long n) {
    return ByteBuffer.allocate(8).putLong(n).array();
  }

  @BeforeEach
  void handshake() throws Exception {
    Box.keyPair(clientPublic, clientSecret);
    Box.keyPair(serverPublic, serverSecret);
    Box.keyPair(serverTransientPublic, serverTransientSecret);
    random.nextBytes(id);
    client = new CurveClient(clientPublic, clientSecret, serverPublic, id, random);
    byte[] hello = client.firstCommand();
    clientTransient = Arrays.copyOfRange(hello, 80, 112);
    byte[] helloNonce = Arrays.copyOfRange(hello, 112, 120);
    assertArrayEquals(shortNonce(1), helloNonce);
    assertArrayEquals(new byte[64], open(Arrays.copyOfRange(hello, 120, 200), nonce("CurveZMQHELLO---", helloNonce),
        clientTransient, serverSecret), "HELLO's signature box: 64 zeros from C' to S");
    byte[] longNonce = new byte[16];
    random.nextBytes(longNonce);
    byte[] cookie = new byte[96];
    random.nextBytes(cookie);
    byte[] welcome = concat(ascii("\7WELCOME"), longNonce,
        box(concat(serverTransientPublic, cookie), nonce("WELCOME-", longNonce), clientTransient, serverSecret));
    initiate = client.onCommand(welcome);
    assertTrue(!client.ready());
    assertArrayEquals(ascii("\10INITIATE"), Arrays.copyOfRange(initiate, 0, 9));
    assertArrayEquals(cookie, Arrays.copyOfRange(initiate, 9, 105), "the cookie goes back as it came");
  }

  private void ready(long nonce) throws Exception {
    byte[] metadata = concat(new byte[] {11}, ascii("Socket-Type"), new byte[] {0, 0, 0, 6}, ascii("ROUTER"));
    byte[] n = shortNonce(nonce);
    assertNull(client.onCommand(concat(ascii("\5READY"), n,
        box(metadata, nonce("CurveZMQREADY---", n), clientTransient, serverTransientSecret))));
    assertTrue(client.ready());
  }

  private byte[] message(long nonce, byte[] payload) {
    byte[] n = shortNonce(nonce);
    return concat(ascii("\7MESSAGE"), n, box(concat(new byte[] {0}, payload), nonce("CurveZMQMESSAGES", n),
        clientTransient, serverTransientSecret));
  }

  @Test
  void initiateCarriesTheClientKeyAVouchAndTheRoutingId() throws Exception {
    byte[] n = Arrays.copyOfRange(initiate, 105, 113);
    assertArrayEquals(shortNonce(2), n, "INITIATE's short nonce follows HELLO's");
    byte[] plain = open(Arrays.copyOfRange(initiate, 113, initiate.length), nonce("CurveZMQINITIATE", n),
        clientTransient, serverTransientSecret);
    assertArrayEquals(clientPublic, Arrays.copyOfRange(plain, 0, 32), "C");
    byte[] vouch = open(Arrays.copyOfRange(plain, 48, 128), nonce("VOUCH---", Arrays.copyOfRange(plain, 32, 48)),
        clientPublic, serverTransientSecret);
    assertArrayEquals(concat(clientTransient, serverPublic), vouch, "vouch = Box[C' + S](C -> S')");
    assertArrayEquals(ZmtpMetadata.dealer(id), Arrays.copyOfRange(plain, 128, plain.length), "metadata");
  }

  @Test
  void messagesBothWaysWithIncreasingNonces() throws Exception {
    ready(1);
    assertArrayEquals(ascii("hi"), client.unwrap(0, message(2, ascii("hi"))));
    assertArrayEquals(ascii("again"), client.unwrap(0, message(7, ascii("again"))), "gaps are allowed");
    for (long expected = 3; expected <= 4; expected++) {
      byte[] m = client.wrap(ascii("up" + expected));
      byte[] n = Arrays.copyOfRange(m, 8, 16);
      assertArrayEquals(shortNonce(expected), n, "the client's nonces go on from INITIATE's");
      byte[] plain = open(Arrays.copyOfRange(m, 16, m.length), nonce("CurveZMQMESSAGEC", n), clientTransient,
          serverTransientSecret);
      assertArrayEquals(concat(new byte[] {0}, ascii("up" + expected)), plain, "flags 0, then the frame");
    }
  }

  @Test
  void anOldNonceOrABrokenBoxIsRefused() throws Exception {
    ready(5);
    assertThrows(ZmtpException.class, () -> client.unwrap(0, message(5, ascii("replayed READY nonce"))));
    assertArrayEquals(ascii("ok"), client.unwrap(0, message(6, ascii("ok"))));
    assertThrows(ZmtpException.class, () -> client.unwrap(0, message(6, ascii("replay"))));
    byte[] broken = message(7, ascii("tampered"));
    broken[broken.length - 1] ^= 1;
    assertThrows(ZmtpException.class, () -> client.unwrap(0, broken));
    assertArrayEquals(ascii("still"), client.unwrap(0, message(7, ascii("still"))),
        "a refused box does not advance the nonce");
    assertThrows(ZmtpException.class, () -> client.unwrap(0, Arrays.copyOf(message(8, ascii("x")), 20)), "short");
  }

  @Test
  void aWelcomeNotFromTheServerKeyIsRefused() throws Exception {
    CurveClient other = new CurveClient(clientPublic, clientSecret, serverPublic, id, random);
    byte[] transientKey = Arrays.copyOfRange(other.firstCommand(), 80, 112);
    byte[] impostorPublic = new byte[32];
    byte[] impostorSecret = new byte[32];
    Box.keyPair(impostorPublic, impostorSecret);
    byte[] longNonce = new byte[16];
    byte[] welcome = concat(ascii("\7WELCOME"), longNonce, box(concat(serverTransientPublic, new byte[96]),
        nonce("WELCOME-", longNonce), transientKey, impostorSecret));
    assertThrows(ZmtpException.class, () -> other.onCommand(welcome));
    assertThrows(ZmtpException.class, () -> other.onCommand(Arrays.copyOf(welcome, 100)), "short WELCOME");
  }
}
