package org.daisyjava.nacl;

/**
 * Poly1305 (Bernstein, "The Poly1305-AES message-authentication code"; RFC 8439 §2.5), the
 * one-time authenticator of NaCl's secretbox: a 16-byte tag of a message under a 32-byte
 * one-time key (r, clamped, then s).
 *
 * <p>Arithmetic modulo 2^130 − 5 on five 26-bit limbs held in {@code long}s: a product of a limb
 * (below 2^27 after additions) and a limb times 5 (below 2^29) is below 2^56, and five of them
 * below 2^59, so a whole multiplication needs no carry until its end. The limbs above the
 * first wrap around multiplied by 5, since 2^130 ≡ 5. The reference code this replaces keeps
 * one byte per limb.
 */
public final class Poly1305 {
  private static final long MASK = 0x3ffffff;

  private Poly1305() {}

  /** The tag of {@code m[mOffset, mOffset + length)} under {@code key[keyOffset, +32)} into {@code out[outOffset, +16)}. */
  public static void mac(byte[] out, int outOffset, byte[] m, int mOffset, int length, byte[] key, int keyOffset) {
    // r, clamped as the specification requires (top four bits of every fourth byte, bottom two
    // of bytes 4, 8, 12 cleared), split into 26-bit limbs
    long r0 = Salsa20.load(key, keyOffset) & 0x3ffffff;
    long r1 = (Salsa20.load(key, keyOffset + 3) >>> 2) & 0x3ffff03;
    long r2 = (Salsa20.load(key, keyOffset + 6) >>> 4) & 0x3ffc0ff;
    long r3 = (Salsa20.load(key, keyOffset + 9) >>> 6) & 0x3f03fff;
    long r4 = (Salsa20.load(key, keyOffset + 12) >>> 8) & 0x00fffff;
    long s1 = r1 * 5;
    long s2 = r2 * 5;
    long s3 = r3 * 5;
    long s4 = r4 * 5;
    long h0 = 0;
    long h1 = 0;
    long h2 = 0;
    long h3 = 0;
    long h4 = 0;
    byte[] last = null;
    for (int at = 0; at < length; at += 16) {
      byte[] b = m;
      int o = mOffset + at;
      long hibit = 1 << 24; // the 2^128 of a full 16-byte chunk
      if (length - at < 16) {
        // the final partial chunk: its bytes, a 1 after them, zeros; no 2^128
        last = new byte[16];
        System.arraycopy(m, o, last, 0, length - at);
        last[length - at] = 1;
        b = last;
        o = 0;
        hibit = 0;
      }
      h0 += Salsa20.load(b, o) & 0x3ffffff;
      h1 += (Salsa20.load(b, o + 3) >>> 2) & 0x3ffffff;
      h2 += (Salsa20.load(b, o + 6) >>> 4) & 0x3ffffff;
      h3 += (Salsa20.load(b, o + 9) >>> 6) & 0x3ffffff;
      h4 += (Salsa20.load(b, o + 12) >>> 8) | hibit;

      long d0 = h0 * r0 + h1 * s4 + h2 * s3 + h3 * s2 + h4 * s1;
      long d1 = h0 * r1 + h1 * r0 + h2 * s4 + h3 * s3 + h4 * s2;
      long d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * s4 + h4 * s3;
      long d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s4;
      long d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0;

      long c = d0 >>> 26;
      h0 = d0 & MASK;
      d1 += c;
      c = d1 >>> 26;
      h1 = d1 & MASK;
      d2 += c;
      c = d2 >>> 26;
      h2 = d2 & MASK;
      d3 += c;
      c = d3 >>> 26;
      h3 = d3 & MASK;
      d4 += c;
      c = d4 >>> 26;
      h4 = d4 & MASK;
      h0 += c * 5;
      c = h0 >>> 26;
      h0 &= MASK;
      h1 += c;
    }

    // carry fully, then h − p where p = 2^130 − 5, taken when it is not negative
    long c = h1 >>> 26;
    h1 &= MASK;
    h2 += c;
    c = h2 >>> 26;
    h2 &= MASK;
    h3 += c;
    c = h3 >>> 26;
    h3 &= MASK;
    h4 += c;
    c = h4 >>> 26;
    h4 &= MASK;
    h0 += c * 5;
    c = h0 >>> 26;
    h0 &= MASK;
    h1 += c;

    long g0 = h0 + 5;
    c = g0 >>> 26;
    g0 &= MASK;
    long g1 = h1 + c;
    c = g1 >>> 26;
    g1 &= MASK;
    long g2 = h2 + c;
    c = g2 >>> 26;
    g2 &= MASK;
    long g3 = h3 + c;
    c = g3 >>> 26;
    g3 &= MASK;
    long g4 = h4 + c - (1L << 26);
    // all ones when g4 >= 0 (h >= p: take g), zero when negative (keep h); no branch on secrets
    long takeG = (g4 >>> 63) - 1;
    h0 = (h0 & ~takeG) | (g0 & takeG);
    h1 = (h1 & ~takeG) | (g1 & takeG);
    h2 = (h2 & ~takeG) | (g2 & takeG);
    h3 = (h3 & ~takeG) | (g3 & takeG);
    h4 = (h4 & ~takeG) | (g4 & MASK & takeG);

    // h mod 2^128 as four 32-bit words, plus s
    long w0 = (h0 | h1 << 26) & 0xffffffffL;
    long w1 = (h1 >>> 6 | h2 << 20) & 0xffffffffL;
    long w2 = (h2 >>> 12 | h3 << 14) & 0xffffffffL;
    long w3 = (h3 >>> 18 | h4 << 8) & 0xffffffffL;
    long f = w0 + (Salsa20.load(key, keyOffset + 16) & 0xffffffffL);
    Salsa20.store(out, outOffset, (int) f);
    f = w1 + (Salsa20.load(key, keyOffset + 20) & 0xffffffffL) + (f >>> 32);
    Salsa20.store(out, outOffset + 4, (int) f);
    f = w2 + (Salsa20.load(key, keyOffset + 24) & 0xffffffffL) + (f >>> 32);
    Salsa20.store(out, outOffset + 8, (int) f);
    f = w3 + (Salsa20.load(key, keyOffset + 28) & 0xffffffffL) + (f >>> 32);
    Salsa20.store(out, outOffset + 12, (int) f);
  }

  /** Whether {@code tag[tagOffset, +16)} is the tag of the message, compared in constant time. */
  public static boolean verify(byte[] tag, int tagOffset, byte[] m, int mOffset, int length, byte[] key, int keyOffset) {
    byte[] expected = new byte[16];
    mac(expected, 0, m, mOffset, length, key, keyOffset);
    int diff = 0;
    for (int i = 0; i < 16; i++) {
      diff |= expected[i] ^ tag[tagOffset + i];
    }
    return diff == 0;
  }
}
