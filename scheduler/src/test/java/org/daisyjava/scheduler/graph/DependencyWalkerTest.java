package org.daisyjava.scheduler.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.daisyjava.core.Fit;
import org.daisyjava.core.Roi;
import org.junit.jupiter.api.Test;

class DependencyWalkerTest {
  /**
   * 1-D, 10 blocks of 10 with 2 of context on each side and read/write conflicts: 2 levels, the
   * odd blocks first (daisy's level 0 has the largest residue), each even block after its
   * neighbours.
   */
  private static final DependencyGraph GRAPH = DependencyGraph.of(List.of(new TaskGeometry("a",
      Roi.of(new long[] {0}, new long[] {104}), Roi.of(new long[] {-2}, new long[] {14}),
      Roi.of(new long[] {0}, new long[] {10}), Fit.VALID, true, List.of())));

  @Test
  void aSinkThatWalksWithItsOwnWalkerIsRefusedAndTheWalkerStaysUsable() {
    DependencyWalker walker = GRAPH.walker();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> walker.upstream(0, 0, (t, u) -> walker.downstream(t, u, (dt, d) -> { })));
    assertEquals("a DependencyWalker's sink walked with the same walker: use another one for the inner walk",
        e.getMessage());

    List<Long> up = new ArrayList<>();
    walker.upstream(0, 4, (t, u) -> up.add(u));
    List<Long> expected = new ArrayList<>();
    GRAPH.upstream(0, 4, (t, u) -> expected.add(u));
    assertEquals(expected, up);
    assertEquals(List.of(3L, 5L), up, "block 4 (level 1) waits for its level-0 neighbours");
  }

  @Test
  void aBlockThatDoesNotExistIsRefusedWithoutSpoilingTheWalker() {
    DependencyWalker walker = GRAPH.walker();
    assertThrows(IllegalArgumentException.class, () -> walker.upstream(0, 10, (t, u) -> { }));
    List<Long> down = new ArrayList<>();
    walker.downstream(0, 1, (t, d) -> down.add(d));
    assertEquals(List.of(2L, 0L), down, "block 1 (level 0) holds up its level-1 neighbours");
  }
}
