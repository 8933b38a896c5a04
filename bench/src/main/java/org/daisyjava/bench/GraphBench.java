package org.daisyjava.bench;

import java.util.List;
import org.daisyjava.core.Roi;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.core.Fit;
import org.daisyjava.scheduler.graph.RootCursor;
import org.daisyjava.scheduler.graph.TaskGeometry;

/**
 * Blocks/s for enumerating every block of a 3-D task with read/write conflicts together with its
 * upstream set (and, separately, its downstream set and the root cursor). daisy 1.2.3's Python
 * graph does ~600 blocks/s for this kind of task; the target here is >= 1,000,000 blocks/s.
 *
 * <p>Arguments: {@code [grid edge, default 160]} — the task has edge x edge x edge/2 blocks.
 */
public final class GraphBench {
  private GraphBench() {}

  public static void main(String[] args) {
    int edge = args.length > 0 ? Integer.parseInt(args[0]) : 160;
    long w = 64;
    long context = 8;
    long[] totalShape = {edge * w + 2 * context, edge * w + 2 * context, edge / 2 * w + 2 * context};
    TaskGeometry task = new TaskGeometry("bench",
        Roi.of(new long[] {0, 0, 0}, totalShape),
        Roi.of(new long[] {-context, -context, -context},
            new long[] {w + 2 * context, w + 2 * context, w + 2 * context}),
        Roi.of(new long[] {0, 0, 0}, new long[] {w, w, w}),
        Fit.VALID, true, List.of());
    DependencyGraph graph = DependencyGraph.of(List.of(task));
    long blocks = graph.grid(0).blockCount();
    System.out.printf("3-D task with conflicts: %d blocks (grid %s), %d levels%n",
        blocks, graph.grid(0).gridShape(), graph.grid(0).levelCount());

    long[] sink = new long[1];
    for (int round = 0; round < 5; round++) {
      sink[0] = 0;
      long t0 = System.nanoTime();
      for (long id = 0; id < blocks; id++) {
        graph.upstream(0, id, (t, u) -> sink[0] += u);
      }
      double upSeconds = (System.nanoTime() - t0) / 1e9;
      long upEdges = sink[0];

      t0 = System.nanoTime();
      for (long id = 0; id < blocks; id++) {
        graph.downstream(0, id, (t, d) -> sink[0] += d);
      }
      double downSeconds = (System.nanoTime() - t0) / 1e9;

      t0 = System.nanoTime();
      RootCursor roots = graph.roots(0);
      long rootCount = 0;
      while (roots.next() >= 0) {
        rootCount++;
      }
      double rootSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("round %d: upstream %,.0f blocks/s | downstream %,.0f blocks/s |"
              + " roots %,d at %,.0f/s  (checksum %d)%n",
          round + 1, blocks / upSeconds, blocks / downSeconds, rootCount, rootCount / rootSeconds,
          upEdges);
    }
  }
}
