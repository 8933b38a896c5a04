package org.daisyjava.bench;

import java.util.ArrayDeque;
import java.util.List;
import org.daisyjava.core.Roi;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.core.Fit;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.scheduler.state.SchedulingState;

/**
 * The scheduler alone: in-process take/succeed of every block, no network. Target >= 500,000
 * blocks/s on this 2-core machine. Also prints the largest frontier (entries held in memory) to
 * show that memory follows the frontier, not the block count.
 *
 * <p>Arguments: {@code [grid edge, default 100]}: edge^3 blocks.
 */
public final class SchedulerBench {
  private SchedulerBench() {}

  public static void main(String[] args) {
    int edge = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    for (boolean conflict : new boolean[] {true, false}) {
      for (int round = 0; round < 3; round++) {
        run(edge, conflict, round + 1);
      }
    }
  }

  private static void run(int edge, boolean conflict, int round) {
    long w = 32;
    long c = conflict ? 8 : 0;
    TaskGeometry task = new TaskGeometry("bench",
        Roi.of(new long[] {0, 0, 0}, new long[] {edge * w + 2 * c, edge * w + 2 * c, edge * w + 2 * c}),
        Roi.of(new long[] {-c, -c, -c}, new long[] {w + 2 * c, w + 2 * c, w + 2 * c}),
        Roi.of(new long[] {0, 0, 0}, new long[] {w, w, w}), Fit.VALID, conflict, List.of());
    DependencyGraph graph = DependencyGraph.of(List.of(task));
    SchedulingState state = new SchedulingState(graph, new int[] {2}, null);
    long total = graph.totalBlocks();
    int workers = 16; // blocks in flight at once, as with 8 workers prefetching one each
    ArrayDeque<Long> inFlight = new ArrayDeque<>();
    long done = 0;
    long maxFrontier = 0;
    long t0 = System.nanoTime();
    while (done < total) {
      while (inFlight.size() < workers) {
        long id = state.take(0);
        if (id < 0) {
          break;
        }
        inFlight.add(id);
      }
      long id = inFlight.poll();
      state.succeeded(0, id, false);
      done++;
      if ((done & 1023) == 0) {
        maxFrontier = Math.max(maxFrontier, state.frontierSize(0));
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("%s, %,d blocks, round %d: %,.0f blocks/s (take + succeed), largest frontier %,d entries (%.2f%% of blocks)%n",
        conflict ? "3-D with conflicts" : "3-D without conflicts", total, round, total / seconds,
        maxFrontier, 100.0 * maxFrontier / total);
    if (!state.allFinished()) {
      throw new AssertionError("not finished");
    }
  }
}
