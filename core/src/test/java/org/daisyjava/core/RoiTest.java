package org.daisyjava.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.daisyjava.core.Roi.Snap;
import org.junit.jupiter.api.Test;

class RoiTest {
  private static Roi roi(long[] offset, long[] shape) {
    return Roi.of(offset, shape);
  }

  @Test
  void beginEndShapeAreHalfOpen() {
    Roi r = roi(new long[] {-5, 10}, new long[] {10, 20});
    assertEquals(Coordinate.of(-5, 10), r.begin());
    assertEquals(Coordinate.of(5, 30), r.end());
    assertEquals(Coordinate.of(10, 20), r.shape());
    assertEquals(200, r.size());
    assertTrue(r.contains(Coordinate.of(-5, 10)));
    assertFalse(r.contains(Coordinate.of(5, 10)), "the end is exclusive");
  }

  @Test
  void negativeShapeIsRejectedNamingTheAxis() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> roi(new long[] {0, 0}, new long[] {3, -1}));
    assertTrue(e.getMessage().contains("axis 1"), e.getMessage());
  }

  @Test
  void growAndShift() {
    Roi r = roi(new long[] {0, 0}, new long[] {10, 10});
    assertEquals(roi(new long[] {-2, -1}, new long[] {15, 12}),
        r.grow(Coordinate.of(2, 1), Coordinate.of(3, 1)));
    assertEquals(roi(new long[] {2, 2}, new long[] {6, 6}),
        r.grow(Coordinate.of(-2, -2), Coordinate.of(-2, -2)));
    assertEquals(roi(new long[] {5, -5}, new long[] {10, 10}), r.shift(Coordinate.of(5, -5)));
    assertThrows(IllegalArgumentException.class,
        () -> r.grow(Coordinate.of(-6, 0), Coordinate.of(-6, 0)));
  }

  @Test
  void intersectionIsEmptyNotNull() {
    Roi a = roi(new long[] {0, 0}, new long[] {10, 10});
    Roi b = roi(new long[] {5, 5}, new long[] {10, 10});
    assertEquals(roi(new long[] {5, 5}, new long[] {5, 5}), a.intersect(b));
    Roi far = roi(new long[] {20, 20}, new long[] {1, 1});
    Roi none = a.intersect(far);
    assertNotNull(none);
    assertTrue(none.isEmpty());
    assertEquals(0, none.size());
  }

  @Test
  void touchingIsNotIntersecting() {
    Roi a = roi(new long[] {0}, new long[] {10});
    assertFalse(a.intersects(roi(new long[] {10}, new long[] {10})));
    assertTrue(a.intersects(roi(new long[] {9}, new long[] {10})));
    assertTrue(a.intersect(roi(new long[] {10}, new long[] {10})).isEmpty());
  }

  @Test
  void unionIsTheBoundingBoxAndIgnoresEmpty() {
    Roi a = roi(new long[] {0, 0}, new long[] {2, 2});
    Roi b = roi(new long[] {5, -3}, new long[] {1, 1});
    assertEquals(roi(new long[] {0, -3}, new long[] {6, 5}), a.union(b));
    Roi empty = roi(new long[] {100, 100}, new long[] {0, 4});
    assertEquals(a, a.union(empty));
    assertEquals(a, empty.union(a));
  }

  @Test
  void containment() {
    Roi outer = roi(new long[] {0, 0}, new long[] {10, 10});
    assertTrue(outer.contains(roi(new long[] {0, 0}, new long[] {10, 10})));
    assertTrue(outer.contains(roi(new long[] {2, 3}, new long[] {1, 1})));
    assertFalse(outer.contains(roi(new long[] {5, 5}, new long[] {6, 1})));
    assertTrue(outer.contains(roi(new long[] {50, 50}, new long[] {0, 0})), "empty is contained");
  }

  @Test
  void snapToGrid() {
    Roi r = roi(new long[] {3, -3}, new long[] {10, 10}); // [3,13) x [-3,7)
    Coordinate g = Coordinate.of(4, 4);
    assertEquals(roi(new long[] {0, -4}, new long[] {16, 12}), r.snapToGrid(g, Snap.GROW));
    assertEquals(roi(new long[] {4, 0}, new long[] {8, 4}), r.snapToGrid(g, Snap.SHRINK));
    // 3 -> 4, 13 -> 12; -3 -> -4, 7 -> 8
    assertEquals(roi(new long[] {4, -4}, new long[] {8, 12}), r.snapToGrid(g, Snap.CLOSEST));
    // a tie goes outwards: [2, 6) on a grid of 4 becomes [0, 8)
    assertEquals(roi(new long[] {0}, new long[] {8}),
        roi(new long[] {2}, new long[] {4}).snapToGrid(Coordinate.of(4), Snap.CLOSEST));
    assertThrows(IllegalArgumentException.class, () -> r.snapToGrid(Coordinate.of(0, 4), Snap.GROW));
  }

  @Test
  void mismatchedDimensionsAreRejected() {
    Roi a = roi(new long[] {0, 0}, new long[] {1, 1});
    Roi b = roi(new long[] {0, 0, 0}, new long[] {1, 1, 1});
    DimensionMismatchException e = assertThrows(DimensionMismatchException.class, () -> a.intersect(b));
    assertEquals(2, e.expected());
    assertEquals(3, e.actual());
    assertThrows(DimensionMismatchException.class, () -> a.contains(b));
    assertThrows(DimensionMismatchException.class,
        () -> Roi.of(Coordinate.of(0, 0), Coordinate.of(1, 1, 1)));
  }

  @Test
  void equality() {
    assertEquals(roi(new long[] {1}, new long[] {2}), roi(new long[] {1}, new long[] {2}));
    assertFalse(roi(new long[] {1}, new long[] {2}).equals(roi(new long[] {1}, new long[] {3})));
  }
}
