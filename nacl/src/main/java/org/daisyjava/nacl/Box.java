package org.daisyjava.nacl;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * NaCl's {@code crypto_box} (Curve25519 + XSalsa20 + Poly1305): the key of a pair of parties is
 * HSalsa20 of their X25519 shared secret (under a zero nonce), and a box is a {@link SecretBox}
 * under that key.
 *
 * <p>X25519 is the whole cost of a CURVE handshake, and JeroMQ asks for the key of the same pair
 * more than once in one handshake (a server opens the client's HELLO and boxes its WELCOME with
 * the pair of its long-term key and the client's short-term key; both sides open INITIATE and
 * then precompute the session key of the same short-term pair). So each thread keeps the keys of
 * its last few pairs: {@link #beforenm} is a pure function of its inputs, and a repeated pair
 * costs a comparison instead of a scalar multiplication. JeroMQ runs every handshake of a
 * connection on that connection's I/O thread, so a thread-local memory sees the repeats.
 */
public final class Box {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] ZERO_NONCE = new byte[16];
  private static final ThreadLocal<RecentKeys> RECENT = ThreadLocal.withInitial(RecentKeys::new);

  private Box() {}

  /**
   * A fresh key pair: a random secret key into {@code secretKey}, its public key into {@code
   * publicKey} — one made ahead by the {@link KeyPairReserve} if it holds any.
   */
  public static void keyPair(byte[] publicKey, byte[] secretKey) {
    if (!KeyPairReserve.take(publicKey, secretKey)) {
      makeKeyPair(publicKey, secretKey);
    }
  }

  /** As {@link #keyPair}, made now. */
  static void makeKeyPair(byte[] publicKey, byte[] secretKey) {
    RANDOM.nextBytes(secretKey);
    X25519.scalarMultBase(publicKey, secretKey);
  }

  /**
   * {@code key[0, 32)} = the box key of {@code publicKey} and {@code secretKey}.
   *
   * @return 0, or -1 when the public key is a point of small order: then the key is random, so
   *     that no box under it can be opened and nothing sealed under it can be read
   */
  public static int beforenm(byte[] key, byte[] publicKey, byte[] secretKey) {
    RecentKeys recent = RECENT.get();
    if (recent.find(key, publicKey, secretKey)) {
      return 0;
    }
    byte[] shared = new byte[32];
    if (!X25519.scalarMult(shared, secretKey, publicKey)) {
      RANDOM.nextBytes(key);
      return -1;
    }
    Salsa20.hsalsa20(key, shared, ZERO_NONCE, 0);
    Arrays.fill(shared, (byte) 0);
    recent.remember(publicKey, secretKey, key);
    return 0;
  }

  /** Seals as {@link SecretBox#seal} under the key of the pair. */
  public static int seal(byte[] c, byte[] m, int length, byte[] nonce, byte[] publicKey, byte[] secretKey) {
    byte[] key = new byte[32];
    if (beforenm(key, publicKey, secretKey) != 0) {
      return -1;
    }
    return SecretBox.seal(c, m, length, nonce, key);
  }

  /** Opens as {@link SecretBox#open} under the key of the pair. */
  public static int open(byte[] m, byte[] c, int length, byte[] nonce, byte[] publicKey, byte[] secretKey) {
    byte[] key = new byte[32];
    if (beforenm(key, publicKey, secretKey) != 0) {
      return -1;
    }
    return SecretBox.open(m, c, length, nonce, key);
  }

  /**
   * The keys of the last {@link #SIZE} pairs one thread asked for, oldest replaced first. Four
   * covers a handshake's repeats with room for connections whose handshakes interleave on the
   * thread.
   */
  private static final class RecentKeys {
    private static final int SIZE = 4;
    private final byte[][] pairs = new byte[SIZE][];
    private final byte[][] keys = new byte[SIZE][];
    private int next;

    boolean find(byte[] key, byte[] publicKey, byte[] secretKey) {
      for (int i = 0; i < SIZE; i++) {
        byte[] pair = pairs[i];
        if (pair != null && samePair(pair, publicKey, secretKey)) {
          System.arraycopy(keys[i], 0, key, 0, 32);
          return true;
        }
      }
      return false;
    }

    /** Compared in full whatever differs, so that the time taken tells nothing of a secret key. */
    private static boolean samePair(byte[] pair, byte[] publicKey, byte[] secretKey) {
      int diff = 0;
      for (int i = 0; i < 32; i++) {
        diff |= (pair[i] ^ publicKey[i]) | (pair[32 + i] ^ secretKey[i]);
      }
      return diff == 0;
    }

    void remember(byte[] publicKey, byte[] secretKey, byte[] key) {
      byte[] pair = new byte[64];
      System.arraycopy(publicKey, 0, pair, 0, 32);
      System.arraycopy(secretKey, 0, pair, 32, 32);
      pairs[next] = pair;
      keys[next] = Arrays.copyOf(key, 32);
      next = (next + 1) % SIZE;
    }
  }
}
