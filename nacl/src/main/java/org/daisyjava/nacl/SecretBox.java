package org.daisyjava.nacl;

/**
 * NaCl's {@code crypto_secretbox} (XSalsa20 + Poly1305) in NaCl's padded calling convention,
 * which JeroMQ's CURVE code uses: the message buffer starts with {@link #ZERO_BYTES} zero bytes,
 * the box buffer with {@link #BOX_ZERO_BYTES} zeros, then the 16-byte tag, then the ciphertext.
 * The first 32 bytes of keystream are Poly1305's one-time key; the message is encrypted with
 * the rest.
 */
public final class SecretBox {
  /** Zero bytes in front of a message. */
  public static final int ZERO_BYTES = 32;
  /** Zero bytes in front of a box (before its tag). */
  public static final int BOX_ZERO_BYTES = 16;

  private SecretBox() {}

  /**
   * Seals {@code m[0, length)} (whose first 32 bytes are zeros) into {@code c[0, length)}
   * under the 24-byte {@code nonce} and 32-byte {@code key}.
   *
   * @return 0, or -1 for a length below 32
   */
  public static int seal(byte[] c, byte[] m, int length, byte[] nonce, byte[] key) {
    if (length < ZERO_BYTES) {
      return -1;
    }
    Salsa20.xsalsa20Xor(c, m, length, nonce, key);
    Poly1305.mac(c, 16, c, ZERO_BYTES, length - ZERO_BYTES, c, 0);
    for (int i = 0; i < BOX_ZERO_BYTES; i++) {
      c[i] = 0;
    }
    return 0;
  }

  /**
   * Opens {@code c[0, length)} into {@code m[0, length)} (its first 32 bytes zeros) when its tag
   * is right; otherwise leaves {@code m} alone.
   *
   * @return 0, or -1 for a length below 32 or a wrong tag
   */
  public static int open(byte[] m, byte[] c, int length, byte[] nonce, byte[] key) {
    if (length < ZERO_BYTES) {
      return -1;
    }
    byte[] oneTimeKey = new byte[32];
    Salsa20.xsalsa20Xor(oneTimeKey, null, 32, nonce, key);
    if (!Poly1305.verify(c, 16, c, ZERO_BYTES, length - ZERO_BYTES, oneTimeKey, 0)) {
      return -1;
    }
    Salsa20.xsalsa20Xor(m, c, length, nonce, key);
    for (int i = 0; i < ZERO_BYTES; i++) {
      m[i] = 0;
    }
    return 0;
  }
}
