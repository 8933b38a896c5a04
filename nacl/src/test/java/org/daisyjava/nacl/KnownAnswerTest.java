package org.daisyjava.nacl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The published test vectors of the primitives, and the refusal of small-order points. */
class KnownAnswerTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  /** RFC 7748 §5.2, the first of the two single-step vectors. */
  @Test
  void x25519OfRfc7748() {
    byte[] out = new byte[32];
    X25519.scalarMult(out, hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
        hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"));
    assertArrayEquals(hex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"), out);
  }

  /** RFC 7748 §6.1: Alice's and Bob's public keys and their shared secret. */
  @Test
  void diffieHellmanOfRfc7748() {
    byte[] alice = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    byte[] bob = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    byte[] alicePublic = new byte[32];
    byte[] bobPublic = new byte[32];
    X25519.scalarMultBase(alicePublic, alice);
    X25519.scalarMultBase(bobPublic, bob);
    assertArrayEquals(hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"), alicePublic);
    assertArrayEquals(hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"), bobPublic);
    byte[] shared = new byte[32];
    X25519.scalarMult(shared, alice, bobPublic);
    assertArrayEquals(hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"), shared);
  }

  /** RFC 7748 §5.2's iterated vector: k and u both 9 to begin with; after 1 and 1000 rounds. */
  @Test
  void iteratedX25519OfRfc7748() {
    byte[] k = new byte[32];
    k[0] = 9;
    byte[] u = k.clone();
    for (int i = 1; i <= 1000; i++) {
      byte[] r = new byte[32];
      X25519.scalarMult(r, k, u);
      u = k;
      k = r;
      if (i == 1) {
        assertArrayEquals(hex("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"), k);
      }
    }
    assertArrayEquals(hex("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"), k);
  }

  /**
   * Against the JDK's XDH provider, a second independent implementation: random scalars and
   * random points, the top bit set or not and values of p and above included (decoded for the
   * JDK as RFC 7748 says: top bit dropped, reduced mod p).
   */
  @Test
  void x25519AgreesWithTheJdk() throws Exception {
    java.util.Random random = new java.util.Random(29);
    java.security.KeyFactory keys = java.security.KeyFactory.getInstance("XDH");
    BigInteger p = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    for (int i = 0; i < 1000; i++) {
      byte[] scalar = new byte[32];
      random.nextBytes(scalar);
      byte[] point = new byte[32];
      random.nextBytes(point);
      if (i % 10 == 0) { // p + small, below 2^255
        Arrays.fill(point, (byte) 0xff);
        point[31] = 0x7f;
        point[0] = (byte) (0xed + random.nextInt(18));
      }
      byte[] ours = new byte[32];
      boolean ok = X25519.scalarMult(ours, scalar, point);

      byte[] bigEndian = new byte[32];
      for (int j = 0; j < 32; j++) {
        bigEndian[j] = point[31 - j];
      }
      bigEndian[0] &= 0x7f;
      javax.crypto.KeyAgreement agreement = javax.crypto.KeyAgreement.getInstance("X25519");
      agreement.init(keys.generatePrivate(new java.security.spec.XECPrivateKeySpec(
          java.security.spec.NamedParameterSpec.X25519, scalar.clone())));
      byte[] jdk;
      try {
        agreement.doPhase(keys.generatePublic(new java.security.spec.XECPublicKeySpec(
            java.security.spec.NamedParameterSpec.X25519, new BigInteger(1, bigEndian).mod(p))), true);
        jdk = agreement.generateSecret();
      } catch (java.security.InvalidKeyException smallOrder) {
        jdk = new byte[32];
      }
      assertArrayEquals(jdk, ours, "case " + i);
      assertEquals(!Arrays.equals(jdk, new byte[32]), ok, "case " + i);
    }
  }

  /**
   * The final reduction, which random inputs practically never exercise at its edges: limbs
   * (each below 2^52, as a product leaves them) of values around p, 2p and 2^255, against
   * BigInteger mod p.
   */
  @Test
  void encodingReducesEveryValueModP() {
    BigInteger p = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    BigInteger mask = BigInteger.ONE.shiftLeft(51).subtract(BigInteger.ONE);
    java.util.Random random = new java.util.Random(31);
    java.util.List<BigInteger> values = new java.util.ArrayList<>();
    for (long d = -3; d <= 20; d++) {
      values.add(p.add(BigInteger.valueOf(d)));
      values.add(p.shiftLeft(1).add(BigInteger.valueOf(d)));
      values.add(BigInteger.ONE.shiftLeft(255).add(BigInteger.valueOf(d)));
    }
    values.add(BigInteger.ZERO);
    values.add(BigInteger.ONE);
    for (BigInteger v : values) {
      // the canonical limbs, then the same value with carries pushed down (limbs up to 2^52)
      long[] limbs = new long[5];
      for (int i = 0; i < 5; i++) {
        limbs[i] = v.shiftRight(51 * i).and(i == 4 ? BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE) : mask)
            .longValueExact();
      }
      for (int variant = 0; variant < 2; variant++) {
        long[] f = limbs.clone();
        if (variant == 1) {
          for (int i = 4; i > 0; i--) {
            if (f[i] > 0 && random.nextBoolean()) {
              f[i] -= 1;
              f[i - 1] += 1L << 51;
            }
          }
        }
        byte[] out = new byte[32];
        X25519.encode(out, f);
        assertEquals(v.mod(p), littleEndian(out), v + " (variant " + variant + ")");
      }
    }
  }

  /** RFC 8439 §2.5.2. */
  @Test
  void poly1305OfRfc8439() {
    byte[] key = hex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
    byte[] message = "Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII);
    byte[] tag = new byte[16];
    Poly1305.mac(tag, 0, message, 0, message.length, key, 0);
    assertArrayEquals(hex("a8061dc1305136c6c22b8baf0c0127a9"), tag);
  }

  /**
   * Poly1305 where h lands at or just above p = 2^130 − 5 before the final reduction (the
   * branch-free selection of h − p), checked against the definition computed with BigInteger.
   */
  @Test
  void poly1305AgreesWithItsDefinition() {
    java.util.Random random = new java.util.Random(23);
    BigInteger p = BigInteger.ONE.shiftLeft(130).subtract(BigInteger.valueOf(5));
    for (int i = 0; i < 2000; i++) {
      byte[] key = new byte[32];
      random.nextBytes(key);
      if (i % 3 == 0) {
        Arrays.fill(key, 0, 16, (byte) 0xff); // r as large as clamping allows
      }
      int length = random.nextInt(80);
      byte[] m = new byte[length];
      random.nextBytes(m);
      if (i % 5 == 0) {
        Arrays.fill(m, (byte) 0xff);
      }
      byte[] tag = new byte[16];
      Poly1305.mac(tag, 0, m, 0, length, key, 0);

      byte[] rBytes = Arrays.copyOf(key, 16);
      for (int j : new int[] {3, 7, 11, 15}) {
        rBytes[j] &= 15;
      }
      for (int j : new int[] {4, 8, 12}) {
        rBytes[j] &= (byte) 252;
      }
      BigInteger r = littleEndian(rBytes);
      BigInteger h = BigInteger.ZERO;
      for (int at = 0; at < length; at += 16) {
        int n = Math.min(16, length - at);
        byte[] chunk = Arrays.copyOfRange(m, at, at + n + 1);
        chunk[n] = 1;
        h = h.add(littleEndian(chunk)).multiply(r).mod(p);
      }
      BigInteger expected = h.add(littleEndian(Arrays.copyOfRange(key, 16, 32))).mod(BigInteger.ONE.shiftLeft(128));
      assertEquals(expected, littleEndian(tag), "case " + i);
    }
  }

  private static BigInteger littleEndian(byte[] b) {
    byte[] big = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      big[i] = b[b.length - 1 - i];
    }
    return new BigInteger(1, big);
  }

  /**
   * A point of small order gives an all-zero secret the peer knows without any key; the box key
   * is then random (two tries differ, neither is the key of the zero secret) and -1 is returned.
   */
  @Test
  void smallOrderPointsGiveNoKnownKey() {
    byte[] sk = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    byte[] keyOfZero = new byte[32];
    Salsa20.hsalsa20(keyOfZero, new byte[32], new byte[16], 0);
    for (String point : new String[] {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p - 1
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"}) {
      byte[] first = new byte[32];
      byte[] second = new byte[32];
      assertEquals(-1, Box.beforenm(first, hex(point), sk), point);
      assertEquals(-1, Box.beforenm(second, hex(point), sk), point);
      assertNotEquals(HexFormat.of().formatHex(first), HexFormat.of().formatHex(second), "a fresh random key each time");
      assertFalse(Arrays.equals(keyOfZero, first), "not the key of the zero secret");
    }
  }
}
