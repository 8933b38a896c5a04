package org.daisyjava.nacl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * X25519's field multiplication and squaring at the edges of the bounds its class comment
 * claims: any limbs below 2^53 in, the product mod p out, in limbs below 2^52. Random scalar
 * multiplications rarely come near the edges, and an overflow there would give a wrong key for
 * a few peers only.
 */
class FieldBoundsTest {
  private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
  private static final long BOUND_IN = 1L << 53;
  private static final long BOUND_OUT = 1L << 52;

  @Test
  void productsOfLimbsUpToTheBoundAreRightAndSmallEnough() {
    SplittableRandom random = new SplittableRandom(7);
    long[][] edges = {
      {BOUND_IN - 1, BOUND_IN - 1, BOUND_IN - 1, BOUND_IN - 1, BOUND_IN - 1},
      {BOUND_IN - 1, 0, BOUND_IN - 1, 0, BOUND_IN - 1},
      {0, 0, 0, 0, BOUND_IN - 1},
      {BOUND_IN - 1, 0, 0, 0, 0},
      {0, 0, 0, 0, 0},
      {1, 0, 0, 0, 0},
    };
    for (long[] a : edges) {
      for (long[] b : edges) {
        check(a, b);
      }
      check(a, randomLimbs(random));
    }
    for (int i = 0; i < 20_000; i++) {
      check(randomLimbs(random), randomLimbs(random));
    }
  }

  private static long[] randomLimbs(SplittableRandom random) {
    long[] a = new long[5];
    for (int i = 0; i < 5; i++) {
      // half of them at the very top of the range, where an overflow would show
      a[i] = random.nextBoolean() ? BOUND_IN - 1 - random.nextLong(1 << 20) : random.nextLong(BOUND_IN);
    }
    return a;
  }

  private static void check(long[] a, long[] b) {
    long[] product = new long[5];
    X25519.mul(product, a, b);
    assertEquals(value(a).multiply(value(b)).mod(P), value(product).mod(P), "product");
    assertSmall(product);
    long[] square = new long[5];
    X25519.square(square, a);
    assertEquals(value(a).multiply(value(a)).mod(P), value(square).mod(P), "square");
    assertSmall(square);
  }

  private static void assertSmall(long[] limbs) {
    for (long limb : limbs) {
      assertTrue(limb >= 0 && limb < BOUND_OUT, () -> "limb " + limb + " is not below 2^52");
    }
  }

  private static BigInteger value(long[] limbs) {
    BigInteger v = BigInteger.ZERO;
    for (int i = 4; i >= 0; i--) {
      v = v.shiftLeft(51).add(BigInteger.valueOf(limbs[i]));
    }
    return v;
  }
}
