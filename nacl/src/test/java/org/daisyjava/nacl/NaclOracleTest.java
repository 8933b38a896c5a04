package org.daisyjava.nacl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.neilalexander.jnacl.crypto.curve25519xsalsa20poly1305;
import com.neilalexander.jnacl.crypto.xsalsa20poly1305;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * This module against the code it replaces: jnacl 1.0.0 (NaCl's reference implementation, the
 * code JeroMQ ships with), loaded from its own jar in a class loader of its own — this module
 * defines two of its class names, so in the test's class loader they are ours. Every entry
 * point JeroMQ calls, on random keys, nonces and messages of every length up to a few blocks
 * of Salsa20 and Poly1305 (and a few long ones), must give the same bytes and return codes;
 * tampered boxes must fail to open in both.
 */
class NaclOracleTest {
  private static Class<?> oracleBox;
  private static Class<?> oracleSecretBox;
  private static Class<?> oracleCurve;

  @BeforeAll
  static void loadOracle() throws Exception {
    // poly1305 is a class of jnacl this module does not define, so it names jnacl's jar
    URL resource = NaclOracleTest.class.getClassLoader().getResource("com/neilalexander/jnacl/crypto/poly1305.class");
    assertNotNull(resource, "jnacl's jar is on the test class path");
    String jar = resource.toString();
    URL jarUrl = new URL(jar.substring("jar:".length(), jar.indexOf("!/")));
    ClassLoader isolated = new URLClassLoader(new URL[] {jarUrl}, ClassLoader.getPlatformClassLoader());
    oracleBox = isolated.loadClass("com.neilalexander.jnacl.crypto.curve25519xsalsa20poly1305");
    oracleSecretBox = isolated.loadClass("com.neilalexander.jnacl.crypto.xsalsa20poly1305");
    oracleCurve = isolated.loadClass("com.neilalexander.jnacl.crypto.curve25519");
    assertFalse(oracleBox == curve25519xsalsa20poly1305.class, "the oracle is jnacl's class, not ours");
  }

  private static int call(Class<?> type, String name, Object... args) throws Exception {
    for (Method m : type.getMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == args.length
          && (args.length < 3 || m.getParameterTypes()[2] == (args[2] instanceof Long ? long.class : byte[].class))) {
        return (Integer) m.invoke(null, args);
      }
    }
    throw new AssertionError("no " + name + " with " + args.length + " parameters");
  }

  private static byte[] random(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  /** A public key as X25519 makes them: below 2^255 (see {@link #topBitOfThePointIsIgnored}). */
  private static byte[] point(Random random) {
    byte[] p = random(random, 32);
    p[31] &= 0x7f;
    return p;
  }

  @Test
  void publicKeysAndBoxKeysMatchTheReference() throws Exception {
    Random random = new Random(7);
    for (int i = 0; i < 300; i++) {
      byte[] sk = random(random, 32);
      byte[] ours = new byte[32];
      byte[] theirs = new byte[32];
      curve25519xsalsa20poly1305.crypto_box_getpublickey(ours, sk);
      call(oracleBox, "crypto_box_getpublickey", theirs, sk);
      assertArrayEquals(theirs, ours, "public key of case " + i);

      byte[] pk = point(random);
      byte[] k = new byte[32];
      byte[] kRef = new byte[32];
      assertEquals(call(oracleBox, "crypto_box_beforenm", kRef, pk, sk),
          curve25519xsalsa20poly1305.crypto_box_beforenm(k, pk, sk));
      assertArrayEquals(kRef, k, "box key of case " + i);
    }
  }

  @Test
  void boxesAndSecretBoxesMatchTheReference() throws Exception {
    Random random = new Random(11);
    for (int i = 0; i < 600; i++) {
      int length = i < 400 ? 32 + i % 200 : 32 + random.nextInt(5000);
      byte[] m = random(random, length);
      Arrays.fill(m, 0, 32, (byte) 0);
      byte[] nonce = random(random, 24);
      byte[] k = random(random, 32);
      byte[] c = new byte[length];
      byte[] cRef = new byte[length];
      assertEquals(call(oracleSecretBox, "crypto_secretbox", cRef, m, (long) length, nonce, k),
          xsalsa20poly1305.crypto_secretbox(c, m, length, nonce, k));
      assertArrayEquals(cRef, c, "secretbox of " + length + " bytes");

      byte[] opened = new byte[length];
      byte[] openedRef = new byte[length];
      assertEquals(0, xsalsa20poly1305.crypto_secretbox_open(opened, c, length, nonce, k));
      assertEquals(0, call(oracleSecretBox, "crypto_secretbox_open", openedRef, cRef, (long) length, nonce, k));
      assertArrayEquals(openedRef, opened);
      assertArrayEquals(m, opened, "opens to the message");

      // one flipped bit anywhere past the zero padding: both refuse (but for the tag's last
      // byte, which the reference does not check: lastByteOfTheTagIsChecked)
      byte[] tampered = c.clone();
      int at = 16 + random.nextInt(length - 16);
      tampered[at] ^= (byte) (1 << random.nextInt(8));
      assertEquals(-1, xsalsa20poly1305.crypto_secretbox_open(new byte[length], tampered, length, nonce, k));
      if (at != 31) {
        assertEquals(-1, call(oracleSecretBox, "crypto_secretbox_open", new byte[length], tampered, (long) length,
            nonce, k));
      }

      // the public-key box and its afternm forms
      byte[] sk = random(random, 32);
      byte[] pk = point(random);
      byte[] box = new byte[length];
      byte[] boxRef = new byte[length];
      assertEquals(call(oracleBox, "crypto_box", boxRef, m, (long) length, nonce, pk, sk),
          curve25519xsalsa20poly1305.crypto_box(box, m, length, nonce, pk, sk));
      assertArrayEquals(boxRef, box, "box of " + length + " bytes");
      byte[] key = new byte[32];
      curve25519xsalsa20poly1305.crypto_box_beforenm(key, pk, sk);
      byte[] afternm = new byte[length];
      curve25519xsalsa20poly1305.crypto_box_afternm(afternm, m, length, nonce, key);
      assertArrayEquals(boxRef, afternm, "afternm under the pair's key is the box");
      byte[] back = new byte[length];
      assertEquals(0, curve25519xsalsa20poly1305.crypto_box_open(back, boxRef, length, nonce, pk, sk));
      assertArrayEquals(m, back);
      assertEquals(0, curve25519xsalsa20poly1305.crypto_box_open_afternm(back, boxRef, length, nonce, key));
      assertArrayEquals(m, back);
    }
  }

  /**
   * jnacl 1.0.0 compares only 15 of the tag's 16 bytes (a change in its last byte goes
   * unnoticed: a forgery chance of 2^-120, not 2^-128). Ours checks all 16.
   */
  @Test
  void lastByteOfTheTagIsChecked() throws Exception {
    Random random = new Random(19);
    byte[] m = new byte[100];
    random.nextBytes(m);
    Arrays.fill(m, 0, 32, (byte) 0);
    byte[] nonce = random(random, 24);
    byte[] k = random(random, 32);
    byte[] c = new byte[100];
    xsalsa20poly1305.crypto_secretbox(c, m, 100, nonce, k);
    c[31] ^= 1;
    assertEquals(-1, xsalsa20poly1305.crypto_secretbox_open(new byte[100], c, 100, nonce, k));
    assertEquals(0, call(oracleSecretBox, "crypto_secretbox_open", new byte[100], c, 100L, nonce, k),
        "the reference's flaw this test documents");
  }

  @Test
  void shortAndOversizedLengthsAreRefused() throws Exception {
    byte[] k = new byte[32];
    byte[] n = new byte[24];
    for (int length = 0; length < 32; length++) {
      assertEquals(-1, xsalsa20poly1305.crypto_secretbox(new byte[64], new byte[64], length, n, k));
      assertEquals(-1, xsalsa20poly1305.crypto_secretbox_open(new byte[64], new byte[64], length, n, k));
      assertEquals(call(oracleSecretBox, "crypto_secretbox", new byte[64], new byte[64], (long) length, n, k),
          xsalsa20poly1305.crypto_secretbox(new byte[64], new byte[64], length, n, k));
    }
    // longer than the buffers: the reference would throw from inside an I/O thread; we refuse
    assertEquals(-1, xsalsa20poly1305.crypto_secretbox(new byte[64], new byte[64], 65, n, k));
    assertEquals(-1, xsalsa20poly1305.crypto_secretbox_open(new byte[64], new byte[40], 64, n, k));
    assertEquals(-1, xsalsa20poly1305.crypto_secretbox(new byte[64], new byte[64], -1, n, k));
  }

  /**
   * RFC 7748 §5 says the top bit of a point is ignored; NaCl's reference code adds it in (as
   * 2^255 ≡ 19). No public key X25519 makes has it set, so only a hostile peer could send one;
   * ours follows the RFC (as libsodium does), and the reference's answer is what ours gives for
   * the point plus 19 (mod 2^255), which shows the two differ in exactly that.
   */
  @Test
  void topBitOfThePointIsIgnored() throws Exception {
    Random random = new Random(13);
    byte[] sk = random(random, 32);
    byte[] p = point(random);
    byte[] withTopBit = p.clone();
    withTopBit[31] |= (byte) 0x80;
    byte[] a = new byte[32];
    byte[] b = new byte[32];
    X25519.scalarMult(a, sk, p);
    X25519.scalarMult(b, sk, withTopBit);
    assertArrayEquals(a, b);
  }

  /** Values of p = 2^255 − 19 and above are taken modulo p, as in the reference and the RFC. */
  @Test
  void nonCanonicalPointsAreReduced() throws Exception {
    Random random = new Random(17);
    byte[] sk = random(random, 32);
    for (int small = 2; small < 19; small++) {
      byte[] canonical = new byte[32];
      canonical[0] = (byte) small;
      byte[] plusP = new byte[32]; // p + small = 2^255 - 19 + small, below 2^255
      Arrays.fill(plusP, (byte) 0xff);
      plusP[31] = 0x7f;
      plusP[0] = (byte) (0xed + small);
      byte[] ours = new byte[32];
      byte[] theirs = new byte[32];
      byte[] reference = new byte[32];
      boolean okCanonical = X25519.scalarMult(ours, sk, canonical);
      boolean okPlusP = X25519.scalarMult(theirs, sk, plusP);
      assertEquals(okCanonical, okPlusP, "u = " + small);
      assertArrayEquals(ours, theirs, "u = p + " + small + " is u = " + small);
      if (okCanonical) {
        call(oracleCurve, "crypto_scalarmult", reference, sk, plusP);
        assertArrayEquals(reference, ours, "and the reference agrees for u = p + " + small);
      }
    }
  }
}
