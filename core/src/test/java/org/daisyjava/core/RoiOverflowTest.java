package org.daisyjava.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.daisyjava.core.Roi.Snap;
import org.junit.jupiter.api.Test;

/**
 * ROI arithmetic at the ends of the {@code long} range: a result is either exact or an
 * ArithmeticException, never a value that wrapped around.
 */
class RoiOverflowTest {
  private static final long MIN = Long.MIN_VALUE;
  private static final long MAX = Long.MAX_VALUE;

  @Test
  void farApartRoisNearBothEndsDoNotIntersect() {
    Roi low = Roi.of(new long[] {MIN}, new long[] {1});
    Roi high = Roi.of(new long[] {MAX - 1}, new long[] {1});
    // min(end) - max(begin) = (MIN + 1) - (MAX - 1) wraps to a positive number if subtracted first
    Roi i = low.intersect(high);
    assertTrue(i.isEmpty(), i.toString());
    assertEquals(0, i.shape(0));
    assertFalse(low.intersects(high));
  }

  @Test
  void anEndBeyondTheRangeIsRefused() {
    assertThrows(ArithmeticException.class, () -> Roi.of(new long[] {MAX - 5}, new long[] {10}));
    assertThrows(ArithmeticException.class, () -> Roi.of(new long[] {0}, new long[] {5}).shift(Coordinate.of(MAX)));
    assertThrows(ArithmeticException.class,
        () -> Roi.of(new long[] {MIN + 2}, new long[] {5}).grow(Coordinate.of(3), Coordinate.of(0)));
  }

  @Test
  void snappingOutwardsPastTheRangeThrowsInsteadOfWrapping() {
    // floor(MIN + 1, 3) = MIN - 1: not representable
    Roi nearMin = Roi.of(new long[] {MIN + 1}, new long[] {10});
    assertThrows(ArithmeticException.class, () -> nearMin.snapToGrid(Coordinate.of(3), Snap.GROW));
    // ceil(MAX - 1, 4): beyond MAX
    Roi nearMax = Roi.of(new long[] {MAX - 10}, new long[] {9});
    assertThrows(ArithmeticException.class, () -> nearMax.snapToGrid(Coordinate.of(4), Snap.GROW));
    // CLOSEST doubles the boundaries: 2 * (MAX / 2 + 8) overflows
    Roi half = Roi.of(new long[] {MAX / 2 + 8}, new long[] {4});
    assertThrows(ArithmeticException.class, () -> half.snapToGrid(Coordinate.of(4), Snap.CLOSEST));
  }

  @Test
  void snappingInwardsNearTheEndsIsExact() {
    long g = 1L << 20;
    Roi r = Roi.of(new long[] {MIN + 1}, new long[] {MAX});
    Roi s = r.snapToGrid(Coordinate.of(g), Snap.SHRINK);
    assertEquals(0, Math.floorMod(s.begin(0), g));
    assertEquals(0, Math.floorMod(s.end(0), g));
    assertTrue(r.contains(s), s.toString());
    assertEquals(MIN + g, s.begin(0));
  }
}
