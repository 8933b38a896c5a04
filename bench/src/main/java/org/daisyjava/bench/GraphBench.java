package org.daisyjava.bench;

import java.util.List;
import org.daisyjava.core.Fit;
import org.daisyjava.core.Roi;
import org.daisyjava.scheduler.graph.BlockSink;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.scheduler.graph.DependencyWalker;
import org.daisyjava.scheduler.graph.RootCursor;
import org.daisyjava.scheduler.graph.TaskGeometry;

/**
 * Blocks/s for enumerating every block of a 3-D task with read/write conflicts together with its
 * upstream set (and, separately, its downstream set and the root cursor). daisy 1.2.3's Python
 * graph does ~600 blocks/s for this kind of task; the target here is >= 1,000,000 blocks/s. The
 * walks use one kept {@link DependencyWalker} each, as the scheduler does; the bytes the walks
 * allocate per block (this thread's allocation counter) should be 0.
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

    long[] sum = new long[1];
    BlockSink sink = (t, b) -> sum[0] += b;
    DependencyWalker walker = graph.walker();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    for (int round = 0; round < 5; round++) {
      sum[0] = 0;
      long bytes0 = threads.getThreadAllocatedBytes(thread);
      long t0 = System.nanoTime();
      for (long id = 0; id < blocks; id++) {
        walker.upstream(0, id, sink);
      }
      double upSeconds = (System.nanoTime() - t0) / 1e9;
      long upEdges = sum[0];

      t0 = System.nanoTime();
      for (long id = 0; id < blocks; id++) {
        walker.downstream(0, id, sink);
      }
      double downSeconds = (System.nanoTime() - t0) / 1e9;
      double bytesPerWalk = (threads.getThreadAllocatedBytes(thread) - bytes0) / (2.0 * blocks);

      t0 = System.nanoTime();
      RootCursor roots = graph.roots(0);
      long rootCount = 0;
      while (roots.next() >= 0) {
        rootCount++;
      }
      double rootSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("round %d: upstream %,.0f blocks/s | downstream %,.0f blocks/s |"
              + " %.1f bytes allocated per walk | roots %,d at %,.0f/s  (checksum %d)%n",
          round + 1, blocks / upSeconds, blocks / downSeconds, bytesPerWalk, rootCount,
          rootCount / rootSeconds, upEdges);
    }
  }
}
