package org.daisyjava.nacl;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/**
 * X25519 (RFC 7748): the Curve25519 Diffie–Hellman function on 32-byte little-endian strings,
 * computed by the JDK's XDH provider (constant-time field arithmetic on 26-bit limbs, here ~10×
 * faster than the byte-per-limb reference code JeroMQ ships with).
 *
 * <p>The RFC's decoding is done here, not left to the provider's key specs: the top bit of the
 * point is ignored and a value of p or above is reduced (the specs take a number, not bytes).
 * The scalar is clamped by the provider, as the RFC requires.
 *
 * <p>Unlike NaCl, the JDK refuses a point of small order (the result would be all zeros, a
 * secret the peer knows without any key). {@link #scalarMult} then reports failure; the box
 * built on it turns that into a key nobody knows.
 */
public final class X25519 {
  private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
  private static final byte[] BASE_POINT = new byte[32];

  static {
    BASE_POINT[0] = 9;
  }

  /** How many scalar multiplications this JVM has done: what a handshake costs, for tests. */
  static final java.util.concurrent.atomic.LongAdder MULTIPLICATIONS = new java.util.concurrent.atomic.LongAdder();

  private X25519() {}

  /** {@code out[0, 32)} = X25519({@code scalar}, {@code point}); false (and zeros) for a point of small order. */
  public static boolean scalarMult(byte[] out, byte[] scalar, byte[] point) {
    MULTIPLICATIONS.increment();
    byte[] bigEndian = new byte[32];
    for (int i = 0; i < 32; i++) {
      bigEndian[i] = point[31 - i];
    }
    bigEndian[0] &= 0x7f;
    BigInteger u = new BigInteger(1, bigEndian).mod(P);
    try {
      KeyFactory keys = KeyFactory.getInstance("XDH");
      PrivateKey own = keys.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519,
          Arrays.copyOf(scalar, 32)));
      PublicKey peer = keys.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, u));
      KeyAgreement agreement = KeyAgreement.getInstance("X25519");
      agreement.init(own);
      agreement.doPhase(peer, true);
      agreement.generateSecret(out, 0);
      return true;
    } catch (GeneralSecurityException e) {
      // the provider's only refusal of well-formed input: a point of small order
      Arrays.fill(out, 0, 32, (byte) 0);
      return false;
    }
  }

  /** {@code out[0, 32)} = the public key of {@code scalar}: X25519 of it and the base point 9. */
  public static void scalarMultBase(byte[] out, byte[] scalar) {
    if (!scalarMult(out, scalar, BASE_POINT)) {
      throw new AssertionError("the base point has order 2^252 + ..., not a small one");
    }
  }
}
