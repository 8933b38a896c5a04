package org.daisyjava.scheduler.graph;

import org.daisyjava.core.Fit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.daisyjava.core.Block;
import org.daisyjava.core.Roi;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Properties of the graph on random pipelines (1-3 dimensions, every fit, with and without
 * conflicts, chained tasks that overlap partly or not at all), checked by brute force.
 */
public class GraphPropertyTest {

  /** Global index of (task, id) over all tasks. */
  private static int global(long[] firsts, int task, long id) {
    return (int) (firsts[task] + id);
  }

  @RepeatedTest(300)
  void randomPipelines(RepetitionInfo rep) {
    Random rnd = new Random(7919L * rep.getCurrentRepetition());
    DependencyGraph g = DependencyGraph.of(randomPipeline(rnd));
    int n = g.taskCount();
    long[] firsts = new long[n + 1];
    for (int t = 0; t < n; t++) {
      firsts[t + 1] = firsts[t] + g.grid(t).blockCount();
    }
    int total = (int) firsts[n];
    List<Block> blocks = new ArrayList<>();
    int[] taskOf = new int[total];
    for (int t = 0; t < n; t++) {
      for (long id = 0; id < g.grid(t).blockCount(); id++) {
        blocks.add(g.block(t, id));
        taskOf[global(firsts, t, id)] = t;
      }
    }
    // 1. ids are dense and name distinct blocks
    Set<String> distinct = new HashSet<>();
    for (Block b : blocks) {
      assertTrue(distinct.add(b.task() + b.writeRoi().begin()), "two ids for one block " + b);
    }

    // upstream and downstream as sets of global indices
    List<Set<Integer>> up = new ArrayList<>();
    List<Set<Integer>> down = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      up.add(new HashSet<>());
      down.add(new HashSet<>());
    }
    for (int t = 0; t < n; t++) {
      for (long id = 0; id < g.grid(t).blockCount(); id++) {
        int me = global(firsts, t, id);
        g.upstream(t, id, (ut, uid) -> assertTrue(up.get(me).add(global(firsts, ut, uid)),
            "upstream listed twice"));
        g.downstream(t, id, (dt, did) -> assertTrue(down.get(me).add(global(firsts, dt, did)),
            "downstream listed twice"));
      }
    }
    // 1b. walkers kept for every block, as the scheduler keeps them, name the same blocks in the
    //     same order, also with a walk of the other direction inside each sink (a second walker)
    DependencyWalker upWalk = g.walker();
    DependencyWalker downWalk = g.walker();
    for (int t = 0; t < n; t++) {
      for (long id = 0; id < g.grid(t).blockCount(); id++) {
        assertEquals(walked(g::upstream, t, id, null),
            walked(upWalk::upstream, t, id, downWalk::downstream),
            "upstream of task " + t + " block " + id + " with a kept walker");
        assertEquals(walked(g::downstream, t, id, null),
            walked(downWalk::downstream, t, id, upWalk::upstream),
            "downstream of task " + t + " block " + id + " with a kept walker");
      }
    }
    // 2. downstream is the exact inverse of upstream
    for (int i = 0; i < total; i++) {
      for (int u : up.get(i)) {
        assertTrue(down.get(u).contains(i), "downstream of " + blocks.get(u) + " misses " + blocks.get(i));
      }
      for (int d : down.get(i)) {
        assertTrue(up.get(d).contains(i), "upstream of " + blocks.get(d) + " misses " + blocks.get(i));
      }
    }
    // 3. inter-task upstream is exactly "upstream task's write ROI intersects my read ROI"
    for (int i = 0; i < total; i++) {
      int t = taskOf[i];
      for (int u : g.upstreamTasks(t)) {
        for (long uid = 0; uid < g.grid(u).blockCount(); uid++) {
          int j = global(firsts, u, uid);
          boolean overlaps = blocks.get(j).writeRoi().intersects(blocks.get(i).readRoi());
          assertEquals(overlaps, up.get(i).contains(j), blocks.get(i) + " vs " + blocks.get(j));
        }
      }
    }
    // 4. roots are exactly the blocks without upstream, in id order
    for (int t = 0; t < n; t++) {
      List<Long> expected = new ArrayList<>();
      for (long id = 0; id < g.grid(t).blockCount(); id++) {
        if (up.get(global(firsts, t, id)).isEmpty()) {
          expected.add(id);
        }
      }
      List<Long> got = new ArrayList<>();
      RootCursor c = g.roots(t);
      for (long id = c.next(); id >= 0; id = c.next()) {
        got.add(id);
      }
      assertEquals(expected, got, "roots of task " + g.taskName(t));
      assertTrue(c.isExhausted());
    }
    // 5. no two blocks that may run at the same time (neither waits for the other, directly or
    //    not) have one's write ROI meeting the other's read ROI — within a task with
    //    read_write_conflict, and from an upstream task to a downstream task
    BitSet[] ancestors = ancestors(up, total, g, firsts);
    for (int a = 0; a < total; a++) {
      for (int b = 0; b < total; b++) {
        if (a == b || ancestors[a].get(b) || ancestors[b].get(a)) {
          continue;
        }
        int ta = taskOf[a];
        int tb = taskOf[b];
        // within a task only if it declared read/write conflicts
        boolean related = ta == tb
            ? g.grid(ta).geometry().readWriteConflict()
            : contains(g.upstreamTasks(tb), ta);
        if (related) {
          assertFalse(blocks.get(a).writeRoi().intersects(blocks.get(b).readRoi()),
              "may run together but conflict: " + blocks.get(a) + " writes what " + blocks.get(b) + " reads");
        }
      }
    }
  }

  /** One direction of a graph walk, e.g. {@code graph::upstream} or {@code walker::downstream}. */
  private interface Walk {
    void walk(int task, long id, BlockSink sink);
  }

  /** The blocks {@code walk} names, in order, as {task, id, ...}; {@code inner} walks each of them. */
  private static List<Long> walked(Walk walk, int task, long id, Walk inner) {
    List<Long> out = new ArrayList<>();
    walk.walk(task, id, (t, b) -> {
      out.add((long) t);
      out.add(b);
      if (inner != null) {
        inner.walk(t, b, (it, ib) -> { });
      }
    });
    return out;
  }

  private static boolean contains(int[] values, int v) {
    for (int x : values) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }

  /** Transitive upstream closure of every block (the graph is acyclic: visit in DFS order). */
  private static BitSet[] ancestors(List<Set<Integer>> up, int total, DependencyGraph g, long[] firsts) {
    BitSet[] anc = new BitSet[total];
    for (int i = 0; i < total; i++) {
      closure(i, up, anc);
    }
    return anc;
  }

  private static BitSet closure(int i, List<Set<Integer>> up, BitSet[] anc) {
    if (anc[i] != null) {
      return anc[i];
    }
    BitSet s = new BitSet();
    for (int u : up.get(i)) {
      s.set(u);
      s.or(closure(u, up, anc));
    }
    anc[i] = s;
    return s;
  }

  /** 1-3 chained tasks sharing a dimension count, small enough for brute force. */
  public static List<TaskGeometry> randomPipeline(Random rnd) {
    int dims = 1 + rnd.nextInt(3);
    int tasks = 1 + rnd.nextInt(3);
    List<TaskGeometry> out = new ArrayList<>();
    for (int t = 0; t < tasks; t++) {
      long[] w = new long[dims];
      long[] lo = new long[dims];
      long[] hi = new long[dims];
      long[] totalOffset = new long[dims];
      long[] totalShape = new long[dims];
      long budget = dims == 1 ? 40 : dims == 2 ? 14 : 7; // blocks per axis, roughly
      for (int d = 0; d < dims; d++) {
        w[d] = 1 + rnd.nextInt(5);
        lo[d] = rnd.nextInt(5);
        hi[d] = rnd.nextInt(5);
        totalOffset[d] = rnd.nextInt(21) - 10;
        totalShape[d] = lo[d] + hi[d] + 1 + rnd.nextInt((int) (w[d] * budget / 2 + 1));
      }
      Roi write = Roi.of(lo, w);
      long[] readShape = new long[dims];
      for (int d = 0; d < dims; d++) {
        readShape[d] = lo[d] + w[d] + hi[d];
      }
      Roi read = Roi.of(new long[dims], readShape);
      List<String> upstream = new ArrayList<>();
      for (int u = 0; u < t; u++) {
        if (rnd.nextInt(3) > 0) {
          upstream.add("t" + u);
        }
      }
      Fit fit = Fit.values()[rnd.nextInt(3)];
      out.add(new TaskGeometry("t" + t, Roi.of(totalOffset, totalShape), read, write, fit,
          rnd.nextInt(4) > 0, upstream));
    }
    return out;
  }
}
