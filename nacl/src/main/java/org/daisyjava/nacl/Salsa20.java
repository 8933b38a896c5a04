package org.daisyjava.nacl;

/**
 * The Salsa20/20 stream cipher in the three forms NaCl's box needs: HSalsa20 (a key from a key
 * and 16 bytes of nonce), XSalsa20 (24-byte nonces: HSalsa20 of the first 16 bytes keys Salsa20
 * with the last 8) and the Salsa20 keystream XORed onto a message. Bernstein's specification
 * ("Salsa20 specification", "Extending the Salsa20 nonce"), words little-endian.
 *
 * <p>The state lives in sixteen {@code int} locals so that a 64-byte block costs no memory
 * traffic but its input and output; the reference code this replaces works byte by byte.
 */
public final class Salsa20 {
  /** "expand 32-byte k", the constant words of a 32-byte key. */
  private static final int SIGMA0 = 0x61707865;
  private static final int SIGMA1 = 0x3320646e;
  private static final int SIGMA2 = 0x79622d32;
  private static final int SIGMA3 = 0x6b206574;

  private Salsa20() {}

  /**
   * HSalsa20: the words at the constants' and the nonce's places of the state after the 20
   * rounds, without Salsa20's final addition of the input.
   */
  public static void hsalsa20(byte[] out, byte[] key, byte[] nonce, int nonceOffset) {
    int[] x = {
      SIGMA0, load(key, 0), load(key, 4), load(key, 8),
      load(key, 12), SIGMA1, load(nonce, nonceOffset), load(nonce, nonceOffset + 4),
      load(nonce, nonceOffset + 8), load(nonce, nonceOffset + 12), SIGMA2, load(key, 16),
      load(key, 20), load(key, 24), load(key, 28), SIGMA3
    };
    rounds(x);
    store(out, 0, x[0]);
    store(out, 4, x[5]);
    store(out, 8, x[10]);
    store(out, 12, x[15]);
    store(out, 16, x[6]);
    store(out, 20, x[7]);
    store(out, 24, x[8]);
    store(out, 28, x[9]);
  }

  /**
   * XSalsa20: {@code out[0, length)} = {@code in[0, length)} XOR the keystream of {@code key} and
   * the 24-byte {@code nonce}; {@code in == null} gives the bare keystream. {@code out} may be
   * {@code in}.
   */
  public static void xsalsa20Xor(byte[] out, byte[] in, int length, byte[] nonce, byte[] key) {
    byte[] subkey = new byte[32];
    hsalsa20(subkey, key, nonce, 0);
    salsa20Xor(out, in, length, nonce, 16, subkey);
  }

  /**
   * Salsa20/20 with the 8-byte nonce at {@code nonce[nonceOffset]} and the block counter from 0,
   * XORed onto {@code in} (or the bare keystream when {@code in == null}).
   */
  static void salsa20Xor(byte[] out, byte[] in, int length, byte[] nonce, int nonceOffset, byte[] key) {
    int[] input = {
      SIGMA0, load(key, 0), load(key, 4), load(key, 8),
      load(key, 12), SIGMA1, load(nonce, nonceOffset), load(nonce, nonceOffset + 4),
      0, 0, SIGMA2, load(key, 16),
      load(key, 20), load(key, 24), load(key, 28), SIGMA3
    };
    int[] block = new int[16];
    long counter = 0;
    for (int at = 0; at < length; at += 64, counter++) {
      input[8] = (int) counter;
      input[9] = (int) (counter >>> 32);
      core(input, block);
      int n = Math.min(64, length - at);
      if (n == 64 && in != null) {
        for (int w = 0; w < 16; w++) {
          store(out, at + 4 * w, load(in, at + 4 * w) ^ block[w]);
        }
      } else {
        for (int i = 0; i < n; i++) {
          byte k = (byte) (block[i >>> 2] >>> (8 * (i & 3)));
          out[at + i] = in == null ? k : (byte) (in[at + i] ^ k);
        }
      }
    }
  }

  /** One 64-byte block: the 20 rounds of {@code input}, plus {@code input}. */
  private static void core(int[] input, int[] out) {
    System.arraycopy(input, 0, out, 0, 16);
    rounds(out);
    for (int i = 0; i < 16; i++) {
      out[i] += input[i];
    }
  }

  /**
   * The 20 rounds (10 column rounds, each followed by a row round) on {@code x} in place, in
   * sixteen locals so that the JIT keeps the state in registers.
   */
  private static void rounds(int[] x) {
    int x0 = x[0];
    int x1 = x[1];
    int x2 = x[2];
    int x3 = x[3];
    int x4 = x[4];
    int x5 = x[5];
    int x6 = x[6];
    int x7 = x[7];
    int x8 = x[8];
    int x9 = x[9];
    int x10 = x[10];
    int x11 = x[11];
    int x12 = x[12];
    int x13 = x[13];
    int x14 = x[14];
    int x15 = x[15];
    for (int i = 0; i < 10; i++) {
      // column round
      x4 ^= Integer.rotateLeft(x0 + x12, 7);
      x8 ^= Integer.rotateLeft(x4 + x0, 9);
      x12 ^= Integer.rotateLeft(x8 + x4, 13);
      x0 ^= Integer.rotateLeft(x12 + x8, 18);
      x9 ^= Integer.rotateLeft(x5 + x1, 7);
      x13 ^= Integer.rotateLeft(x9 + x5, 9);
      x1 ^= Integer.rotateLeft(x13 + x9, 13);
      x5 ^= Integer.rotateLeft(x1 + x13, 18);
      x14 ^= Integer.rotateLeft(x10 + x6, 7);
      x2 ^= Integer.rotateLeft(x14 + x10, 9);
      x6 ^= Integer.rotateLeft(x2 + x14, 13);
      x10 ^= Integer.rotateLeft(x6 + x2, 18);
      x3 ^= Integer.rotateLeft(x15 + x11, 7);
      x7 ^= Integer.rotateLeft(x3 + x15, 9);
      x11 ^= Integer.rotateLeft(x7 + x3, 13);
      x15 ^= Integer.rotateLeft(x11 + x7, 18);
      // row round
      x1 ^= Integer.rotateLeft(x0 + x3, 7);
      x2 ^= Integer.rotateLeft(x1 + x0, 9);
      x3 ^= Integer.rotateLeft(x2 + x1, 13);
      x0 ^= Integer.rotateLeft(x3 + x2, 18);
      x6 ^= Integer.rotateLeft(x5 + x4, 7);
      x7 ^= Integer.rotateLeft(x6 + x5, 9);
      x4 ^= Integer.rotateLeft(x7 + x6, 13);
      x5 ^= Integer.rotateLeft(x4 + x7, 18);
      x11 ^= Integer.rotateLeft(x10 + x9, 7);
      x8 ^= Integer.rotateLeft(x11 + x10, 9);
      x9 ^= Integer.rotateLeft(x8 + x11, 13);
      x10 ^= Integer.rotateLeft(x9 + x8, 18);
      x12 ^= Integer.rotateLeft(x15 + x14, 7);
      x13 ^= Integer.rotateLeft(x12 + x15, 9);
      x14 ^= Integer.rotateLeft(x13 + x12, 13);
      x15 ^= Integer.rotateLeft(x14 + x13, 18);
    }
    x[0] = x0;
    x[1] = x1;
    x[2] = x2;
    x[3] = x3;
    x[4] = x4;
    x[5] = x5;
    x[6] = x6;
    x[7] = x7;
    x[8] = x8;
    x[9] = x9;
    x[10] = x10;
    x[11] = x11;
    x[12] = x12;
    x[13] = x13;
    x[14] = x14;
    x[15] = x15;
  }

  static int load(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
  }

  static void store(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
    b[at + 2] = (byte) (v >>> 16);
    b[at + 3] = (byte) (v >>> 24);
  }
}
