package org.daisyjava.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.daisyjava.nacl.Box;
import org.daisyjava.nacl.SecretBox;

/**
 * The client side of ZMTP-CURVE (rfc.zeromq.org 25/ZMTP-CURVE, 26/CurveZMQ) as JeroMQ 0.6.0's
 * {@code CurveClientMechanism} puts it on the wire, for one connection. Notation of the
 * specification: C/c the client's long-term key pair (the run's, from the key file), C'/c' this
 * connection's transient pair, S the server's long-term public key, S' its transient one;
 * Box[X](A->B) is a NaCl box of X sealed with a's secret and B's public key.
 *
 * <ul>
 *   <li>HELLO: version 1.0, 72 zero bytes (anti-amplification), C', short nonce 1,
 *       Box[64 zeros](C'->S) under "CurveZMQHELLO---" + short nonce: 200 bytes.
 *   <li>WELCOME (168 bytes): 16-byte long nonce and Box[S' + cookie](S->C') under "WELCOME-" +
 *       long nonce.
 *   <li>INITIATE: the 96-byte cookie, short nonce 2, Box[C + vouch + metadata](C'->S') under
 *       "CurveZMQINITIATE" + short nonce; vouch = 16-byte long nonce + Box[C' + S](C->S') under
 *       "VOUCH---" + long nonce; metadata {@code Socket-Type DEALER}, {@code Identity} (the
 *       routing id).
 *   <li>READY: short nonce and Box[metadata](S'->C') under "CurveZMQREADY---" + short nonce.
 *   <li>MESSAGE: short nonce and Box[flags + frame] under "CurveZMQMESSAGEC" (client to
 *       server) or "CurveZMQMESSAGES" (server to client) + short nonce; flags 0x01 more, 0x02
 *       command. The client's short nonces go on from INITIATE's (3, 4, ...); a server's must
 *       increase from READY's, else the connection ends (as JeroMQ's does).
 * </ul>
 *
 * <p>What is done in the constructor, before the storm: what a real worker computes on its own
 * machine before its first byte reaches the scheduler — the transient key pair (one scalar
 * multiplication), the C'·S box key (Box.beforenm, one more) and the HELLO command, plus the
 * vouch's random nonce. During the storm only the two scalar multiplications that need the
 * server's S' remain per connection: C'·S' (INITIATE, READY and every MESSAGE) and C·S' (the
 * vouch). So the generator's CPU during the storm is small beside the scheduler's, whose own
 * share of the handshake (S·C', S'·C', S'·C, and the vouch check) is what is measured.
 *
 * <p>Every byte from the peer is checked for size before it is read; a wrong box or an old nonce
 * ends the connection with a {@link ZmtpException}, never with an unchecked exception.
 */
final class CurveClient implements ClientMechanism {
  private static final byte[] HELLO = ZmtpCommand.name("HELLO");
  private static final byte[] WELCOME = ZmtpCommand.name("WELCOME");
  private static final byte[] INITIATE = ZmtpCommand.name("INITIATE");
  private static final byte[] READY = ZmtpCommand.name("READY");
  private static final byte[] MESSAGE = ZmtpCommand.name("MESSAGE");
  private static final byte[] ERROR = ZmtpCommand.name("ERROR");
  private static final byte[] HELLO_PREFIX = ascii("CurveZMQHELLO---");
  private static final byte[] WELCOME_PREFIX = ascii("WELCOME-");
  private static final byte[] VOUCH_PREFIX = ascii("VOUCH---");
  private static final byte[] INITIATE_PREFIX = ascii("CurveZMQINITIATE");
  private static final byte[] READY_PREFIX = ascii("CurveZMQREADY---");
  private static final byte[] CLIENT_MESSAGE_PREFIX = ascii("CurveZMQMESSAGEC");
  private static final byte[] SERVER_MESSAGE_PREFIX = ascii("CurveZMQMESSAGES");
  private static final int KEY = 32;
  private static final int COOKIE = 96;
  /** WELCOME: name (8), long nonce (16), box of S' and the cookie (16 + 128). */
  private static final int WELCOME_SIZE = 168;
  /** READY: name (6), short nonce (8), box (at least its 16-byte tag). */
  private static final int READY_MIN = 30;
  /** MESSAGE: name (8), short nonce (8), box of at least the flags byte (16 + 1). */
  private static final int MESSAGE_MIN = 33;

  private enum State { EXPECT_WELCOME, EXPECT_READY, READY }

  private final byte[] clientPublic;
  private final byte[] clientSecret;
  private final byte[] serverPublic;
  private final byte[] transientPublic = new byte[KEY];
  private final byte[] transientSecret = new byte[KEY];
  /** Box key of C' and S: opens WELCOME (HELLO was sealed with it). */
  private final byte[] helloKey = new byte[KEY];
  /** Box key of C' and S': INITIATE, READY and every MESSAGE. */
  private final byte[] sessionKey = new byte[KEY];
  private final byte[] hello;
  private final byte[] vouchNonce = new byte[24];
  private final byte[] metadata;
  private State state = State.EXPECT_WELCOME;
  /** The short nonce of the next command this client sends (HELLO had 1). */
  private long nonce = 2;
  /** The last short nonce the server used. */
  private long peerNonce;

  /**
   * Prepares a connection's handshake (see the class comment for what that costs).
   *
   * @param clientPublic C, {@code clientSecret} c, {@code serverPublic} S: 32 bytes each, not copied
   */
  CurveClient(byte[] clientPublic, byte[] clientSecret, byte[] serverPublic, byte[] routingId,
      SecureRandom random) {
    this.clientPublic = clientPublic;
    this.clientSecret = clientSecret;
    this.serverPublic = serverPublic;
    this.metadata = ZmtpMetadata.dealer(routingId);
    Box.keyPair(transientPublic, transientSecret);
    if (Box.beforenm(helloKey, serverPublic, transientSecret) != 0) {
      throw new IllegalArgumentException("the server's public key is a point of small order");
    }
    byte[] shortNonce = shortNonce(1);
    byte[] box = new byte[SecretBox.ZERO_BYTES + 64];
    SecretBox.seal(box, new byte[box.length], box.length, nonce(HELLO_PREFIX, shortNonce), helloKey);
    hello = ByteBuffer.allocate(200).put(HELLO).put((byte) 1).put((byte) 0).put(new byte[72]).put(transientPublic)
        .put(shortNonce).put(box, SecretBox.BOX_ZERO_BYTES, box.length - SecretBox.BOX_ZERO_BYTES).array();
    System.arraycopy(VOUCH_PREFIX, 0, vouchNonce, 0, VOUCH_PREFIX.length);
    byte[] longNonce = new byte[16];
    random.nextBytes(longNonce);
    System.arraycopy(longNonce, 0, vouchNonce, 8, 16);
  }

  @Override
  public String name() {
    return "CURVE";
  }

  @Override
  public byte[] firstCommand() {
    return hello;
  }

  @Override
  public byte[] onCommand(byte[] body) throws ZmtpException {
    if (ZmtpCommand.is(body, ERROR)) {
      String reason = ZmtpCommand.errorReason(body);
      // JeroMQ's server sends an ERROR without a reason when HELLO's box does not open
      throw ZmtpException.refusal("the server refused the handshake: ERROR " + (reason.isEmpty()
          ? "without a reason (in the HELLO state: this client's server key is not the server's)" : reason));
    }
    switch (state) {
      case EXPECT_WELCOME -> {
        if (!ZmtpCommand.is(body, WELCOME)) {
          throw new ZmtpException("expected WELCOME");
        }
        byte[] initiate = onWelcome(body);
        state = State.EXPECT_READY;
        return initiate;
      }
      case EXPECT_READY -> {
        if (!ZmtpCommand.is(body, READY)) {
          throw new ZmtpException("expected READY");
        }
        onReady(body);
        state = State.READY;
        return null;
      }
      default -> throw new ZmtpException("a handshake command after READY");
    }
  }

  /** Opens WELCOME (S' and the cookie) and answers with INITIATE. */
  private byte[] onWelcome(byte[] body) throws ZmtpException {
    if (body.length != WELCOME_SIZE) {
      throw new ZmtpException("WELCOME of " + body.length + " bytes, not " + WELCOME_SIZE);
    }
    byte[] longNonce = new byte[24];
    System.arraycopy(WELCOME_PREFIX, 0, longNonce, 0, 8);
    System.arraycopy(body, 8, longNonce, 8, 16);
    byte[] plain = open(body, 24, longNonce, helloKey);
    if (plain == null) {
      throw new ZmtpException("WELCOME's box does not open: the server does not hold the secret of the"
          + " server key this client was given");
    }
    byte[] serverTransient = new byte[KEY];
    System.arraycopy(plain, SecretBox.ZERO_BYTES, serverTransient, 0, KEY);
    byte[] cookie = new byte[COOKIE];
    System.arraycopy(plain, SecretBox.ZERO_BYTES + KEY, cookie, 0, COOKIE);
    // the storm's two scalar multiplications: C'·S' and C·S'
    byte[] vouchKey = new byte[KEY];
    if (Box.beforenm(sessionKey, serverTransient, transientSecret) != 0
        || Box.beforenm(vouchKey, serverTransient, clientSecret) != 0) {
      throw new ZmtpException("the server's transient key is a point of small order");
    }
    byte[] vouch = new byte[SecretBox.ZERO_BYTES + 2 * KEY];
    System.arraycopy(transientPublic, 0, vouch, SecretBox.ZERO_BYTES, KEY);
    System.arraycopy(serverPublic, 0, vouch, SecretBox.ZERO_BYTES + KEY, KEY);
    byte[] vouchBox = new byte[vouch.length];
    SecretBox.seal(vouchBox, vouch, vouch.length, vouchNonce, vouchKey);
    // the box: C, the vouch's long nonce and box (without its zero bytes), the metadata
    ByteBuffer plainInitiate = ByteBuffer.allocate(SecretBox.ZERO_BYTES + KEY + 16 + 80 + metadata.length);
    plainInitiate.position(SecretBox.ZERO_BYTES);
    plainInitiate.put(clientPublic).put(vouchNonce, 8, 16)
        .put(vouchBox, SecretBox.BOX_ZERO_BYTES, vouchBox.length - SecretBox.BOX_ZERO_BYTES).put(metadata);
    byte[] m = plainInitiate.array();
    byte[] shortNonce = shortNonce(nonce++);
    byte[] box = new byte[m.length];
    SecretBox.seal(box, m, m.length, nonce(INITIATE_PREFIX, shortNonce), sessionKey);
    return ByteBuffer.allocate(INITIATE.length + COOKIE + 8 + box.length - SecretBox.BOX_ZERO_BYTES)
        .put(INITIATE).put(cookie).put(shortNonce)
        .put(box, SecretBox.BOX_ZERO_BYTES, box.length - SecretBox.BOX_ZERO_BYTES).array();
  }

  /** Opens READY and checks the server's metadata. */
  private void onReady(byte[] body) throws ZmtpException {
    if (body.length < READY_MIN) {
      throw new ZmtpException("READY of " + body.length + " bytes, below " + READY_MIN);
    }
    byte[] plain = open(body, 14, nonce(READY_PREFIX, body, 6), sessionKey);
    if (plain == null) {
      throw new ZmtpException("READY's box does not open");
    }
    peerNonce = ByteBuffer.wrap(body, 6, 8).getLong();
    ZmtpMetadata.checkPeer(plain, SecretBox.ZERO_BYTES, plain.length);
  }

  @Override
  public boolean ready() {
    return state == State.READY;
  }

  @Override
  public byte[] wrap(byte[] payload) {
    byte[] m = new byte[SecretBox.ZERO_BYTES + 1 + payload.length];
    // flags byte m[32] = 0: one frame, not a command
    System.arraycopy(payload, 0, m, SecretBox.ZERO_BYTES + 1, payload.length);
    byte[] shortNonce = shortNonce(nonce++);
    byte[] box = new byte[m.length];
    SecretBox.seal(box, m, m.length, nonce(CLIENT_MESSAGE_PREFIX, shortNonce), sessionKey);
    byte[] out = new byte[MESSAGE.length + 8 + box.length - SecretBox.BOX_ZERO_BYTES];
    System.arraycopy(MESSAGE, 0, out, 0, MESSAGE.length);
    System.arraycopy(shortNonce, 0, out, MESSAGE.length, 8);
    System.arraycopy(box, SecretBox.BOX_ZERO_BYTES, out, MESSAGE.length + 8,
        box.length - SecretBox.BOX_ZERO_BYTES);
    return out;
  }

  @Override
  public byte[] unwrap(int flags, byte[] body) throws ZmtpException {
    if (!ZmtpCommand.is(body, MESSAGE) || body.length < MESSAGE_MIN) {
      throw new ZmtpException("expected a MESSAGE command of at least " + MESSAGE_MIN + " bytes");
    }
    long n = ByteBuffer.wrap(body, 8, 8).getLong();
    // unsigned, as the nonce is a 64-bit counter
    if (Long.compareUnsigned(n, peerNonce) <= 0) {
      throw new ZmtpException("the server's short nonce did not increase (" + Long.toUnsignedString(n) + " after "
          + Long.toUnsignedString(peerNonce) + ")");
    }
    byte[] plain = open(body, 16, nonce(SERVER_MESSAGE_PREFIX, body, 8), sessionKey);
    if (plain == null) {
      throw new ZmtpException("a MESSAGE's box does not open");
    }
    peerNonce = n;
    if ((plain[SecretBox.ZERO_BYTES] & 0x02) != 0) {
      return null; // a command inside (PING): nothing for the worker
    }
    byte[] payload = new byte[plain.length - SecretBox.ZERO_BYTES - 1];
    System.arraycopy(plain, SecretBox.ZERO_BYTES + 1, payload, 0, payload.length);
    return payload;
  }

  /** Opens the box {@code body[at, end)} (its tag first), or null if its tag is wrong. */
  private static byte[] open(byte[] body, int at, byte[] nonce, byte[] key) {
    byte[] c = new byte[SecretBox.BOX_ZERO_BYTES + body.length - at];
    System.arraycopy(body, at, c, SecretBox.BOX_ZERO_BYTES, body.length - at);
    byte[] m = new byte[c.length];
    return SecretBox.open(m, c, c.length, nonce, key) == 0 ? m : null;
  }

  private static byte[] shortNonce(long n) {
    return ByteBuffer.allocate(8).putLong(n).array();
  }

  private static byte[] nonce(byte[] prefix, byte[] shortNonce) {
    return nonce(prefix, shortNonce, 0);
  }

  /** The 24-byte nonce: a 16-byte prefix and the 8-byte short nonce at {@code from[at, at + 8)}. */
  private static byte[] nonce(byte[] prefix, byte[] from, int at) {
    byte[] n = new byte[24];
    System.arraycopy(prefix, 0, n, 0, 16);
    System.arraycopy(from, at, n, 16, 8);
    return n;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
