package org.daisyjava.scheduler.graph;

import org.daisyjava.core.Fit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.daisyjava.core.Block;
import org.daisyjava.core.Roi;
import org.junit.jupiter.api.Test;

/** The scenarios of design.md, block by block. Blocks are named by task and write offset. */
class DaisyScenarioTest {
  static Roi roi(long... offsetThenShape) {
    int n = offsetThenShape.length / 2;
    long[] o = new long[n];
    long[] s = new long[n];
    System.arraycopy(offsetThenShape, 0, o, 0, n);
    System.arraycopy(offsetThenShape, n, s, 0, n);
    return Roi.of(o, s);
  }

  static TaskGeometry task(String name, Roi total, Roi read, Roi write, Fit fit, String... up) {
    return new TaskGeometry(name, total, read, write, fit, true, List.of(up));
  }

  /** "task:writeOffset" of every block of the graph, in id order. */
  static List<String> blocks(DependencyGraph g) {
    List<String> out = new ArrayList<>();
    for (int t = 0; t < g.taskCount(); t++) {
      for (long id = 0; id < g.grid(t).blockCount(); id++) {
        out.add(name(g.block(t, id)));
      }
    }
    return out;
  }

  static String name(Block b) {
    return b.task() + ":" + b.writeRoi().begin().toCsv();
  }

  static Set<String> upstream(DependencyGraph g, String task, long... writeOffset) {
    int t = g.taskIndex(task);
    long id = find(g, t, writeOffset);
    Set<String> out = new TreeSet<>();
    g.upstream(t, id, (ut, uid) -> out.add(name(g.block(ut, uid))));
    return out;
  }

  static long find(DependencyGraph g, int t, long... writeOffset) {
    for (long id = 0; id < g.grid(t).blockCount(); id++) {
      if (g.block(t, id).writeRoi().begin().equals(org.daisyjava.core.Coordinate.of(writeOffset))) {
        return id;
      }
    }
    throw new AssertionError("no block at " + java.util.Arrays.toString(writeOffset));
  }

  @Test
  void workedExample() {
    // total [0,100), read [-10,30), write [0,20): 4 blocks, 2 levels; 30 and 70 are level 0
    DependencyGraph g = DependencyGraph.of(List.of(
        task("A", roi(0, 100), roi(-10, 40), roi(0, 20), Fit.VALID)));
    assertEquals(List.of("A:10", "A:30", "A:50", "A:70"), blocks(g));
    assertEquals(2, g.grid(0).levelCount());
    assertEquals(0, g.level(0, find(g, 0, 30)));
    assertEquals(0, g.level(0, find(g, 0, 70)));
    assertEquals(1, g.level(0, find(g, 0, 10)));
    assertEquals(Set.of("A:30"), upstream(g, "A", 10));
    assertEquals(Set.of("A:30", "A:70"), upstream(g, "A", 50));
    assertEquals(Set.of(), upstream(g, "A", 30));
    assertEquals(roi(40, 40), g.block(0, find(g, 0, 50)).readRoi());

    List<Long> roots = new ArrayList<>();
    RootCursor c = g.roots(0);
    for (long id = c.next(); id >= 0; id = c.next()) {
      roots.add(id);
    }
    assertEquals(List.of(find(g, 0, 30), find(g, 0, 70)), roots);
  }

  @Test
  void chainedTasksDependThroughWriteReadIntersection() {
    DependencyGraph g = DependencyGraph.of(List.of(
        task("A", roi(0, 100), roi(-10, 40), roi(0, 20), Fit.VALID),
        task("B", roi(10, 80), roi(-10, 40), roi(0, 20), Fit.VALID, "A")));
    assertEquals(List.of("B:20", "B:40", "B:60"), blocks(g).subList(4, 7));
    // B:20 reads [10,50): A writes [10,30) and [30,50); plus its own level-0 neighbour B:40
    assertEquals(Set.of("A:10", "A:30", "B:40"), upstream(g, "B", 20));
    assertEquals(Set.of("A:30", "A:50"), upstream(g, "B", 40));
    assertEquals(Set.of("A:50", "A:70", "B:40"), upstream(g, "B", 60));
    // the inverse: A:30 is waited for by A:10, A:50, B:20, B:40
    Set<String> down = new TreeSet<>();
    g.downstream(0, find(g, 0, 30), (t, id) -> down.add(name(g.block(t, id))));
    assertEquals(Set.of("A:10", "A:50", "B:20", "B:40"), down);
    // B has no root at all: every B block reads A's output
    assertEquals(-1, g.roots(1).next());
  }

  @Test
  void chainedTasksWithDisjointRoisDoNotCrashAndAreReady() {
    // daisy 1.2.3 crashes here (TypeError in get_subgraph_blocks); ours: no inter-task upstream
    DependencyGraph g = DependencyGraph.of(List.of(
        task("A", roi(0, 100), roi(-10, 40), roi(0, 20), Fit.VALID),
        task("B", roi(1000, 100), roi(-10, 40), roi(0, 20), Fit.VALID, "A")));
    assertEquals(4, g.grid(1).blockCount());
    assertEquals(Set.of(), upstream(g, "B", 1030));
    assertEquals(Set.of("B:1030"), upstream(g, "B", 1010));
    List<Long> roots = new ArrayList<>();
    RootCursor c = g.roots(1);
    for (long id = c.next(); id >= 0; id = c.next()) {
      roots.add(id);
    }
    assertEquals(List.of(find(g, 1, 1030), find(g, 1, 1070)), roots);
  }

  @Test
  void partlyOverlappingDownstreamTaskHasRootsOnlyWhereItReadsNothingUpstream() {
    DependencyGraph g = DependencyGraph.of(List.of(
        task("A", roi(0, 100), roi(-10, 40), roi(0, 20), Fit.VALID),
        new TaskGeometry("B", roi(60, 200), roi(0, 20), roi(0, 20), Fit.VALID, false, List.of("A"))));
    // A writes [10, 90) in blocks of 20; B blocks read [60,80), [80,100), [100,120), ...
    assertEquals(Set.of("A:50", "A:70"), upstream(g, "B", 60));
    assertEquals(Set.of("A:70"), upstream(g, "B", 80));
    assertEquals(Set.of(), upstream(g, "B", 100));
    List<String> roots = new ArrayList<>();
    RootCursor c = g.roots(1);
    for (long id = c.next(); id >= 0; id = c.next()) {
      roots.add(name(g.block(1, id)));
    }
    assertEquals(List.of("B:100", "B:120", "B:140", "B:160", "B:180", "B:200", "B:220", "B:240"),
        roots);
  }

  @Test
  void zeroLevelsBecomeAChainWhenTheStrideIsCutToTheVolume() {
    // the level stride (5) is larger than the total write ROI (2): cut to 2, 4 levels of 1 block
    DependencyGraph g = DependencyGraph.of(List.of(
        task("A", roi(0, 0, 10, 10), roi(0, 0, 9, 9), roi(4, 4, 1, 1), Fit.OVERHANG)));
    assertEquals(4, g.grid(0).blockCount());
    assertEquals(4, g.grid(0).levelCount());
    assertEquals(Set.of(), upstream(g, "A", 5, 5));
    assertEquals(Set.of("A:5,5"), upstream(g, "A", 5, 4));
    assertEquals(Set.of("A:5,4"), upstream(g, "A", 4, 5));
    assertEquals(Set.of("A:4,5"), upstream(g, "A", 4, 4));
  }

  @Test
  void shrinkCutsTheLastBlockAndKeepsItsContext() {
    DependencyGraph g = DependencyGraph.of(List.of(
        task("A", roi(0, 110), roi(-10, 40), roi(0, 20), Fit.SHRINK)));
    assertEquals(5, g.grid(0).blockCount());
    Block last = g.block(0, find(g, 0, 90));
    assertEquals(roi(90, 10), last.writeRoi(), "write cut to the total write ROI [10,100)");
    assertEquals(roi(80, 30), last.readRoi(), "read cut to the total ROI [0,110)");
    assertEquals(Set.of("A:70"), upstream(g, "A", 90));
  }

  @Test
  void overhangKeepsTheLastBlockWhole() {
    DependencyGraph g = DependencyGraph.of(List.of(
        task("A", roi(0, 110), roi(-10, 40), roi(0, 20), Fit.OVERHANG)));
    Block last = g.block(0, find(g, 0, 90));
    assertEquals(roi(90, 20), last.writeRoi());
    assertEquals(roi(80, 40), last.readRoi());
  }

  @Test
  void validDropsBlocksThatDoNotFit() {
    DependencyGraph g = DependencyGraph.of(List.of(
        task("A", roi(0, 110), roi(-10, 40), roi(0, 20), Fit.VALID)));
    assertEquals(List.of("A:10", "A:30", "A:50", "A:70"), blocks(g));
  }

  @Test
  void aTaskSmallerThanOneBlockHasNoBlocks() {
    DependencyGraph g = DependencyGraph.of(List.of(
        task("A", roi(0, 30), roi(-10, 40), roi(0, 20), Fit.VALID)));
    assertEquals(0, g.grid(0).blockCount());
    assertEquals(0, g.grid(0).levelCount());
    assertTrue(g.roots(0).isExhausted());
  }

  @Test
  void billionBlocksCostNothingToCount() {
    DependencyGraph g = DependencyGraph.of(List.of(new TaskGeometry("big",
        roi(0, 0, 0, 100_020, 100_020, 1000), roi(-10, -10, 0, 120, 120, 1),
        roi(0, 0, 0, 100, 100, 1), Fit.VALID, true, List.of())));
    assertEquals(1_000_000_000L, g.grid(0).blockCount());
    assertEquals(4, g.grid(0).levelCount());
    assertEquals(org.daisyjava.core.Coordinate.of(1000, 1000, 1000), g.grid(0).gridShape());
    long last = g.grid(0).blockCount() - 1;
    assertEquals(roi(99_910, 99_910, 999, 100, 100, 1), g.block(0, last).writeRoi());
  }

  @Test
  void pipelineErrorsNameTheTaskAndKey() {
    Roi t = roi(0, 100);
    Roi r = roi(-10, 40);
    Roi w = roi(0, 20);
    GraphException unknown = assertThrows(GraphException.class, () -> DependencyGraph.of(List.of(
        task("A", t, r, w, Fit.VALID, "nope"))));
    assertEquals("upstream", unknown.key());
    assertTrue(unknown.getMessage().contains("nope"));
    GraphException cycle = assertThrows(GraphException.class, () -> DependencyGraph.of(List.of(
        task("A", t, r, w, Fit.VALID, "B"), task("B", t, r, w, Fit.VALID, "A"))));
    assertTrue(cycle.getMessage().contains("cycle"), cycle.getMessage());
    GraphException dup = assertThrows(GraphException.class, () -> DependencyGraph.of(List.of(
        task("A", t, r, w, Fit.VALID), task("A", t, r, w, Fit.VALID))));
    assertEquals(1, dup.taskIndex());
    GraphException dims = assertThrows(GraphException.class, () -> DependencyGraph.of(List.of(
        task("A", t, r, w, Fit.VALID),
        task("B", roi(0, 0, 10, 10), roi(0, 0, 5, 5), roi(0, 0, 5, 5), Fit.VALID, "A"))));
    assertTrue(dims.getMessage().contains("2 dimensions") && dims.getMessage().contains("1"),
        dims.getMessage());
  }
}
