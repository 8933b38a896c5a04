package org.daisyjava.core.protocol;

import org.zeromq.ZMQ;

/**
 * A CURVE key pair (Curve25519), both halves as 40-character Z85 text, the form ZeroMQ uses in
 * {@code ZMQ_CURVE_*} options and key files. {@link #toString()} leaves the secret out, so a pair
 * that ends up in a log line does not leak it.
 */
public record CurveKeyPair(String publicKey, String secretKey) {
  public CurveKeyPair {
    requireKey("public key", publicKey);
    requireKey("secret key", secretKey);
  }

  /** A fresh pair from the platform's secure random source. */
  public static CurveKeyPair generate() {
    ZMQ.Curve.KeyPair pair = ZMQ.Curve.generateKeyPair();
    return new CurveKeyPair(pair.publicKey, pair.secretKey);
  }

  /**
   * Checks that {@code key} is a Z85-encoded 32-byte key.
   *
   * @throws IllegalArgumentException naming {@code what} if it is not
   */
  public static void requireKey(String what, String key) {
    if (key == null || key.length() != ZMQ.Curve.KEY_SIZE_Z85) {
      throw new IllegalArgumentException(what + " must be " + ZMQ.Curve.KEY_SIZE_Z85
          + " characters of Z85, got " + (key == null ? "none" : key.length() + " characters"));
    }
    for (int i = 0; i < key.length(); i++) {
      if (Z85.indexOf(key.charAt(i)) < 0) {
        throw new IllegalArgumentException(what + " is not Z85 text (character " + (i + 1) + ")");
      }
    }
  }

  /** The 32 raw bytes of a Z85 key checked by {@link #requireKey}. */
  static byte[] raw(String key) {
    return ZMQ.Curve.z85Decode(key);
  }

  private static final String Z85 =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

  @Override
  public String toString() {
    return "CurveKeyPair[public " + publicKey + "]";
  }
}
