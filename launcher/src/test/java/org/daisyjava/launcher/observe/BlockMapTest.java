package org.daisyjava.launcher.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BlockMapTest {
  @Test
  void aSmallGridHasOneCellPerBlockAndShowsEachState() {
    BlockMap m = new BlockMap(new long[] {2, 3});
    assertEquals(6, m.cellShape()[0] * m.cellShape()[1]);
    for (long id = 0; id < 6; id++) {
      assertEquals(id, m.cellOf(id));
    }
    m.ended(m.started(0), false);
    m.done(0);
    m.started(1);
    m.ended(m.started(2), true);
    assertEquals("drfwww", m.picture(false));
    assertEquals("drfooo", m.picture(true));
  }

  @Test
  void aHugeGridIsDownsampledAndEveryBlockFallsInTheCellThatCountsIt() {
    long[] grid = {1000, 1000, 1000};
    BlockMap m = new BlockMap(grid);
    int[] cells = m.cellShape();
    long n = (long) cells[0] * cells[1] * cells[2];
    assertTrue(n <= BlockMap.MAX_CELLS && n > BlockMap.MAX_CELLS / 8, n + " cells");
    long total = 0;
    for (int c = 0; c < n; c++) {
      total += m.blocksIn(c);
    }
    assertEquals(1_000_000_000L, total);
    // a cell is a box: the blocks of one grid index along an axis share the cell coordinate
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 10_000; i++) {
      long x = r.nextLong(1000);
      long y = r.nextLong(1000);
      long z = r.nextLong(1000);
      int cell = m.cellOf((x * 1000 + y) * 1000 + z);
      int cz = cell % cells[2];
      int cy = cell / cells[2] % cells[1];
      int cx = cell / cells[2] / cells[1];
      assertEquals(x * cells[0] / 1000, cx);
      assertEquals(y * cells[1] / 1000, cy);
      assertEquals(z * cells[2] / 1000, cz);
    }
    // a cell is done only when all its blocks are
    BlockMap one = new BlockMap(new long[] {1_000_000});
    assertEquals(BlockMap.MAX_CELLS, one.cellShape()[0]);
    long inFirst = one.blocksIn(0);
    for (long id = 0; id < inFirst; id++) {
      one.done(id);
      if (id < inFirst - 1) {
        assertEquals('p', one.picture(false).charAt(0));
      }
    }
    assertEquals('d', one.picture(false).charAt(0));
    assertEquals('w', one.picture(false).charAt(1));
  }
}
