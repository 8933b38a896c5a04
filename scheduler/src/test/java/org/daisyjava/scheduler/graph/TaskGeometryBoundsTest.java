package org.daisyjava.scheduler.graph;

import org.daisyjava.core.Fit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.daisyjava.core.Roi;
import org.junit.jupiter.api.Test;

/**
 * The ±2^60 bound holds for every way a geometry is made (the library API builds TaskGeometry
 * directly, without the config loader's check), so the block grid's unchecked sums cannot wrap.
 */
class TaskGeometryBoundsTest {
  private static TaskGeometry geometry(Roi total, Roi read, Roi write) {
    return new TaskGeometry("t", total, read, write, Fit.VALID, true, List.of());
  }

  @Test
  void coordinatesBeyondTheBoundAreRefusedNamingTheRoi() {
    Roi small = Roi.of(new long[] {0}, new long[] {10});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> geometry(Roi.of(new long[] {Long.MIN_VALUE}, new long[] {100}), small, small));
    assertTrue(e.getMessage().startsWith("task t: total_roi "), e.getMessage());
    // read.begin at -2^61 with write.begin at 0 would make a context of 2^61: still fine for a
    // long, but the bound is per coordinate, so the config and the API refuse the same inputs
    assertThrows(IllegalArgumentException.class, () -> geometry(small,
        Roi.of(new long[] {-(1L << 61)}, new long[] {(1L << 61) + 10}), small));
    assertThrows(IllegalArgumentException.class, () -> geometry(small, small,
        Roi.of(new long[] {0}, new long[] {(1L << 60) + 1})));
  }

  @Test
  void theBoundItselfIsAccepted() {
    long limit = TaskGeometry.COORDINATE_LIMIT;
    Roi total = Roi.of(new long[] {-limit}, new long[] {limit});
    Roi block = Roi.of(new long[] {0}, new long[] {1L << 50});
    BlockGrid grid = new BlockGrid(geometry(total, block, block));
    assertEquals(1L << 10, grid.blockCount());
  }
}
