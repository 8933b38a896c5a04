package org.daisyjava.nacl;

import java.util.concurrent.atomic.LongAdder;

/**
 * X25519 (RFC 7748): the Curve25519 Diffie–Hellman function on 32-byte little-endian strings —
 * the whole cost of a CURVE handshake (four per side).
 *
 * <p>Field elements mod p = 2^255 − 19 are five 51-bit limbs in {@code long}s. A limb product
 * is 128 bits; one factor is shifted left by {@link #SHIFT} = 10 first, so that the two halves
 * of the shifted product, which two multiply instructions give ({@link Math#multiplyHigh} the
 * top), are the product's part above bit 54 and (shifted back) its low 54 bits: two sums per
 * output limb that cannot overflow, with no masking or shifting of each product into place
 * (that was three more operations per product, 17 % of the time: 77 against 64–69 µs, minima
 * of five runs with the launcher's compiler settings).
 *
 * <p>That needs bounds, which every operation keeps: multiplication and squaring take limbs below
 * 2^53 and give limbs below 2^52 (so the sum of two results, or a difference plus 2p, may be
 * multiplied again). A shifted limb is below 2^63, a positive {@code long}, as the signed
 * {@code multiplyHigh} needs. The other factor, with 19 for the limbs that wrap round (38 when
 * squaring doubles them), is below 2^58.25; a product below 2^111.25; its part above bit 54 below
 * 2^57.25, five of them (three when squaring) below 2^59, and eight times that, carried, below
 * 2^63. The low parts are
 * below 2^54, five below 2^57. Measured here: 64–74 µs, against 165–195 µs for the JDK's XDH
 * (which the tests use as one of the oracles), and ~26× faster than the byte-per-limb reference
 * code JeroMQ ships with.
 *
 * <p>Constant time: the Montgomery ladder swaps with masks, not branches; no branch or index
 * depends on the scalar or the point. RFC 7748's decoding: the scalar clamped, the point's top
 * bit ignored, a point value of p or above taken mod p (the arithmetic does that by itself).
 *
 * <p>Unlike NaCl, a point of small order — the result is all zeros, a secret the peer knows
 * without any key — is reported as failure; the box built on it turns that into a key nobody
 * knows.
 */
public final class X25519 {
  private static final long M = (1L << 51) - 1;
  /** How far one factor of each limb product is shifted: see the class comment. */
  private static final int SHIFT = 10;
  /** (A − 2) / 4 for Curve25519's A = 486662: the ladder's constant. */
  private static final long A24 = 121665;
  private static final byte[] BASE_POINT = new byte[32];

  static {
    BASE_POINT[0] = 9;
  }

  /** How many scalar multiplications this JVM has done: what a handshake costs, for tests. */
  static final LongAdder MULTIPLICATIONS = new LongAdder();

  private X25519() {}

  /** {@code out[0, 32)} = X25519({@code scalar}, {@code point}); false (and zeros) for a point of small order. */
  public static boolean scalarMult(byte[] out, byte[] scalar, byte[] point) {
    MULTIPLICATIONS.increment();
    byte[] k = new byte[32];
    System.arraycopy(scalar, 0, k, 0, 32);
    k[0] &= (byte) 248;
    k[31] &= 127;
    k[31] |= 64;

    long[] x1 = decode(point);
    long[] x2 = {1, 0, 0, 0, 0};
    long[] z2 = new long[5];
    long[] x3 = x1.clone();
    long[] z3 = {1, 0, 0, 0, 0};
    long[] a = new long[5];
    long[] aa = new long[5];
    long[] b = new long[5];
    long[] bb = new long[5];
    long[] e = new long[5];
    long[] c = new long[5];
    long[] d = new long[5];
    long[] da = new long[5];
    long[] cb = new long[5];
    int swap = 0;
    for (int t = 254; t >= 0; t--) {
      int bit = (k[t >>> 3] >>> (t & 7)) & 1;
      swap ^= bit;
      swap(swap, x2, x3);
      swap(swap, z2, z3);
      swap = bit;
      add(a, x2, z2);
      square(aa, a);
      sub(b, x2, z2);
      square(bb, b);
      sub(e, aa, bb);
      add(c, x3, z3);
      sub(d, x3, z3);
      mul(da, d, a);
      mul(cb, c, b);
      add(x3, da, cb);
      square(x3, x3);
      sub(z3, da, cb);
      square(z3, z3);
      mul(z3, z3, x1);
      mul(x2, aa, bb);
      mulSmall(z2, e, A24);
      add(z2, z2, aa);
      mul(z2, z2, e);
    }
    swap(swap, x2, x3);
    swap(swap, z2, z3);
    invert(z2, z2);
    mul(x2, x2, z2);
    encode(out, x2);
    int any = 0;
    for (int i = 0; i < 32; i++) {
      any |= out[i];
    }
    return any != 0;
  }

  /** {@code out[0, 32)} = the public key of {@code scalar}: X25519 of it and the base point 9. */
  public static void scalarMultBase(byte[] out, byte[] scalar) {
    if (!scalarMult(out, scalar, BASE_POINT)) {
      throw new AssertionError("the base point has a large prime order, not a small one");
    }
  }

  /** The point's 255 low bits (the top bit ignored) as limbs. */
  private static long[] decode(byte[] p) {
    long w0 = word(p, 0);
    long w1 = word(p, 8);
    long w2 = word(p, 16);
    long w3 = word(p, 24) & Long.MAX_VALUE;
    return new long[] {
      w0 & M, (w0 >>> 51 | w1 << 13) & M, (w1 >>> 38 | w2 << 26) & M, (w2 >>> 25 | w3 << 39) & M, w3 >>> 12
    };
  }

  private static long word(byte[] p, int at) {
    long w = 0;
    for (int i = 7; i >= 0; i--) {
      w = w << 8 | (p[at + i] & 0xff);
    }
    return w;
  }

  /** The element reduced to [0, p), as 32 little-endian bytes. */
  static void encode(byte[] out, long[] f) {
    long t0 = f[0];
    long t1 = f[1];
    long t2 = f[2];
    long t3 = f[3];
    long t4 = f[4];
    for (int pass = 0; pass < 2; pass++) {
      t1 += t0 >>> 51;
      t0 &= M;
      t2 += t1 >>> 51;
      t1 &= M;
      t3 += t2 >>> 51;
      t2 &= M;
      t4 += t3 >>> 51;
      t3 &= M;
      t0 += 19 * (t4 >>> 51);
      t4 &= M;
    }
    // now below 2^255 + 2^52: subtract p once if the value is p or more (q is 0 or 1)
    long q = (t0 + 19) >>> 51;
    q = (t1 + q) >>> 51;
    q = (t2 + q) >>> 51;
    q = (t3 + q) >>> 51;
    q = (t4 + q) >>> 51;
    t0 += 19 * q;
    t1 += t0 >>> 51;
    t0 &= M;
    t2 += t1 >>> 51;
    t1 &= M;
    t3 += t2 >>> 51;
    t2 &= M;
    t4 += t3 >>> 51;
    t3 &= M;
    t4 &= M; // drops the 2^255 of q·2^255, the rest of q·p
    long[] w = {t0 | t1 << 51, t1 >>> 13 | t2 << 38, t2 >>> 26 | t3 << 25, t3 >>> 39 | t4 << 12};
    for (int i = 0; i < 32; i++) {
      out[i] = (byte) (w[i >>> 3] >>> (8 * (i & 7)));
    }
  }

  /** Swaps a and b when {@code swap} is 1, leaves them when 0, in the same time either way. */
  private static void swap(int swap, long[] a, long[] b) {
    long mask = -swap;
    for (int i = 0; i < 5; i++) {
      long t = mask & (a[i] ^ b[i]);
      a[i] ^= t;
      b[i] ^= t;
    }
  }

  private static void add(long[] out, long[] a, long[] b) {
    for (int i = 0; i < 5; i++) {
      out[i] = a[i] + b[i];
    }
  }

  /** a − b + 2p, limb by limb: never negative for b's limbs below 2^52 − 38. */
  private static void sub(long[] out, long[] a, long[] b) {
    out[0] = a[0] + 0xfffffffffffdaL - b[0];
    for (int i = 1; i < 5; i++) {
      out[i] = a[i] + 0xffffffffffffeL - b[i];
    }
  }

  static void mul(long[] out, long[] a, long[] b) {
    long a0 = a[0] << SHIFT;
    long a1 = a[1] << SHIFT;
    long a2 = a[2] << SHIFT;
    long a3 = a[3] << SHIFT;
    long a4 = a[4] << SHIFT;
    long b0 = b[0];
    long b1 = b[1];
    long b2 = b[2];
    long b3 = b[3];
    long b4 = b[4];
    long b1_19 = 19 * b1;
    long b2_19 = 19 * b2;
    long b3_19 = 19 * b3;
    long b4_19 = 19 * b4;
    long l0 = (a0 * b0 >>> SHIFT) + (a1 * b4_19 >>> SHIFT) + (a2 * b3_19 >>> SHIFT)
        + (a3 * b2_19 >>> SHIFT) + (a4 * b1_19 >>> SHIFT);
    long h0 = Math.multiplyHigh(a0, b0) + Math.multiplyHigh(a1, b4_19) + Math.multiplyHigh(a2, b3_19)
        + Math.multiplyHigh(a3, b2_19) + Math.multiplyHigh(a4, b1_19);
    long l1 = (a0 * b1 >>> SHIFT) + (a1 * b0 >>> SHIFT) + (a2 * b4_19 >>> SHIFT)
        + (a3 * b3_19 >>> SHIFT) + (a4 * b2_19 >>> SHIFT);
    long h1 = Math.multiplyHigh(a0, b1) + Math.multiplyHigh(a1, b0) + Math.multiplyHigh(a2, b4_19)
        + Math.multiplyHigh(a3, b3_19) + Math.multiplyHigh(a4, b2_19);
    long l2 = (a0 * b2 >>> SHIFT) + (a1 * b1 >>> SHIFT) + (a2 * b0 >>> SHIFT)
        + (a3 * b4_19 >>> SHIFT) + (a4 * b3_19 >>> SHIFT);
    long h2 = Math.multiplyHigh(a0, b2) + Math.multiplyHigh(a1, b1) + Math.multiplyHigh(a2, b0)
        + Math.multiplyHigh(a3, b4_19) + Math.multiplyHigh(a4, b3_19);
    long l3 = (a0 * b3 >>> SHIFT) + (a1 * b2 >>> SHIFT) + (a2 * b1 >>> SHIFT)
        + (a3 * b0 >>> SHIFT) + (a4 * b4_19 >>> SHIFT);
    long h3 = Math.multiplyHigh(a0, b3) + Math.multiplyHigh(a1, b2) + Math.multiplyHigh(a2, b1)
        + Math.multiplyHigh(a3, b0) + Math.multiplyHigh(a4, b4_19);
    long l4 = (a0 * b4 >>> SHIFT) + (a1 * b3 >>> SHIFT) + (a2 * b2 >>> SHIFT)
        + (a3 * b1 >>> SHIFT) + (a4 * b0 >>> SHIFT);
    long h4 = Math.multiplyHigh(a0, b4) + Math.multiplyHigh(a1, b3) + Math.multiplyHigh(a2, b2)
        + Math.multiplyHigh(a3, b1) + Math.multiplyHigh(a4, b0);
    long c = (h0 << 3) + (l0 >>> 51);
    long t0 = l0 & M;
    l1 += c;
    c = (h1 << 3) + (l1 >>> 51);
    long t1 = l1 & M;
    l2 += c;
    c = (h2 << 3) + (l2 >>> 51);
    long t2 = l2 & M;
    l3 += c;
    c = (h3 << 3) + (l3 >>> 51);
    long t3 = l3 & M;
    l4 += c;
    c = (h4 << 3) + (l4 >>> 51);
    long t4 = l4 & M;
    // c (below 2^62) counts multiples of 2^255: split, so that 19·c cannot overflow
    t0 += 19 * (c & M);
    t1 += 19 * (c >>> 51) + (t0 >>> 51);
    out[0] = t0 & M;
    out[1] = t1;
    out[2] = t2;
    out[3] = t3;
    out[4] = t4;
  }

  /**
   * As {@link #mul} with a = b, with the products that occur twice computed once and doubled. The
   * carry chain is written out here and in {@code mul} rather than shared: the launcher's
   * inlining limits (scripts/launcher-compiler.args) would leave a shared one a call of eleven
   * arguments per field operation, 5 % of the time.
   */
  static void square(long[] out, long[] a) {
    long s0 = a[0] << SHIFT;
    long s1 = a[1] << SHIFT;
    long s2 = a[2] << SHIFT;
    long s3 = a[3] << SHIFT;
    long s4 = a[4] << SHIFT;
    long a0 = a[0];
    long a1 = a[1];
    long a2 = a[2];
    long a3 = a[3];
    long d1 = 2 * a1;
    long d2 = 2 * a2;
    long d3 = 2 * a3;
    long d4 = 2 * a[4];
    long a3_19 = 19 * a3;
    long a3_38 = 38 * a3;
    long a4_19 = 19 * a[4];
    long a4_38 = 38 * a[4];
    long l0 = (s0 * a0 >>> SHIFT) + (s1 * a4_38 >>> SHIFT) + (s2 * a3_38 >>> SHIFT);
    long h0 = Math.multiplyHigh(s0, a0) + Math.multiplyHigh(s1, a4_38) + Math.multiplyHigh(s2, a3_38);
    long l1 = (s0 * d1 >>> SHIFT) + (s2 * a4_38 >>> SHIFT) + (s3 * a3_19 >>> SHIFT);
    long h1 = Math.multiplyHigh(s0, d1) + Math.multiplyHigh(s2, a4_38) + Math.multiplyHigh(s3, a3_19);
    long l2 = (s0 * d2 >>> SHIFT) + (s1 * a1 >>> SHIFT) + (s3 * a4_38 >>> SHIFT);
    long h2 = Math.multiplyHigh(s0, d2) + Math.multiplyHigh(s1, a1) + Math.multiplyHigh(s3, a4_38);
    long l3 = (s0 * d3 >>> SHIFT) + (s1 * d2 >>> SHIFT) + (s4 * a4_19 >>> SHIFT);
    long h3 = Math.multiplyHigh(s0, d3) + Math.multiplyHigh(s1, d2) + Math.multiplyHigh(s4, a4_19);
    long l4 = (s0 * d4 >>> SHIFT) + (s1 * d3 >>> SHIFT) + (s2 * a2 >>> SHIFT);
    long h4 = Math.multiplyHigh(s0, d4) + Math.multiplyHigh(s1, d3) + Math.multiplyHigh(s2, a2);
    long c = (h0 << 3) + (l0 >>> 51);
    long t0 = l0 & M;
    l1 += c;
    c = (h1 << 3) + (l1 >>> 51);
    long t1 = l1 & M;
    l2 += c;
    c = (h2 << 3) + (l2 >>> 51);
    long t2 = l2 & M;
    l3 += c;
    c = (h3 << 3) + (l3 >>> 51);
    long t3 = l3 & M;
    l4 += c;
    c = (h4 << 3) + (l4 >>> 51);
    long t4 = l4 & M;
    // c (below 2^62) counts multiples of 2^255: split, so that 19·c cannot overflow
    t0 += 19 * (c & M);
    t1 += 19 * (c >>> 51) + (t0 >>> 51);
    out[0] = t0 & M;
    out[1] = t1;
    out[2] = t2;
    out[3] = t3;
    out[4] = t4;
  }

  /** a · k for a small constant k (below 2^17). */
  private static void mulSmall(long[] out, long[] a, long k) {
    long carry = 0;
    for (int i = 0; i < 5; i++) {
      long p = a[i] * k;
      long high = Math.multiplyHigh(a[i], k) << 13 | p >>> 51;
      long limb = (p & M) + carry;
      out[i] = limb & M;
      carry = high + (limb >>> 51);
    }
    out[0] += 19 * carry;
    out[1] += out[0] >>> 51;
    out[0] &= M;
  }

  /** z^(p − 2) = 1/z (0 for 0), by ref10's chain of 254 squarings and 11 multiplications. */
  private static void invert(long[] out, long[] z) {
    long[] z2 = new long[5];
    long[] z9 = new long[5];
    long[] z11 = new long[5];
    long[] z2to5 = new long[5];
    long[] z2to10 = new long[5];
    long[] z2to20 = new long[5];
    long[] z2to50 = new long[5];
    long[] z2to100 = new long[5];
    long[] t = new long[5];
    square(z2, z); // 2
    square(t, z2); // 4
    square(t, t); // 8
    mul(z9, t, z); // 9
    mul(z11, z9, z2); // 11
    square(t, z11); // 22
    mul(z2to5, t, z9); // 2^5 − 1
    squareTimes(t, z2to5, 5);
    mul(z2to10, t, z2to5); // 2^10 − 1
    squareTimes(t, z2to10, 10);
    mul(z2to20, t, z2to10); // 2^20 − 1
    squareTimes(t, z2to20, 20);
    mul(t, t, z2to20); // 2^40 − 1
    squareTimes(t, t, 10);
    mul(z2to50, t, z2to10); // 2^50 − 1
    squareTimes(t, z2to50, 50);
    mul(z2to100, t, z2to50); // 2^100 − 1
    squareTimes(t, z2to100, 100);
    mul(t, t, z2to100); // 2^200 − 1
    squareTimes(t, t, 50);
    mul(t, t, z2to50); // 2^250 − 1
    squareTimes(t, t, 5); // 2^255 − 2^5
    mul(out, t, z11); // 2^255 − 21 = p − 2
  }

  private static void squareTimes(long[] out, long[] a, int n) {
    square(out, a);
    for (int i = 1; i < n; i++) {
      square(out, out);
    }
  }
}
