package org.daisyjava.scheduler.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.daisyjava.core.Block;

/**
 * daisy's blockwise dependency graph over all tasks of a pipeline, computed on the fly from
 * geometry. Nothing here is proportional to the number of blocks; every query costs a few
 * arithmetic operations per dimension. Immutable and safe to share between threads.
 *
 * <p>A block depends on (its <em>upstream</em>): blocks of the previous level of its own task at
 * daisy's conflict shifts, and every block of each upstream task whose write ROI intersects its
 * read ROI. A block that touches no upstream block simply has no inter-task upstream (daisy
 * crashes or hangs there).
 */
public final class DependencyGraph {
  private final BlockGrid[] grids;
  private final String[] names;
  private final Map<String, Integer> index;
  private final int[][] upstreamTasks;
  private final int[][] downstreamTasks;

  private DependencyGraph(List<TaskGeometry> tasks) {
    int n = tasks.size();
    grids = new BlockGrid[n];
    names = new String[n];
    index = new HashMap<>();
    for (int t = 0; t < n; t++) {
      TaskGeometry g = tasks.get(t);
      if (index.putIfAbsent(g.name(), t) != null) {
        throw new GraphException(t, "name", "duplicate task name '" + g.name() + "'");
      }
      names[t] = g.name();
    }
    upstreamTasks = new int[n][];
    List<List<Integer>> down = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      down.add(new ArrayList<>());
    }
    for (int t = 0; t < n; t++) {
      TaskGeometry g = tasks.get(t);
      List<String> ups = g.upstream();
      upstreamTasks[t] = new int[ups.size()];
      for (int i = 0; i < ups.size(); i++) {
        Integer u = index.get(ups.get(i));
        if (u == null) {
          throw new GraphException(t, "upstream",
              "task " + g.name() + ": unknown upstream task '" + ups.get(i) + "'");
        }
        if (u == t) {
          throw new GraphException(t, "upstream", "task " + g.name() + " lists itself as upstream");
        }
        for (int j = 0; j < i; j++) {
          if (upstreamTasks[t][j] == u) {
            throw new GraphException(t, "upstream",
                "task " + g.name() + ": upstream task '" + ups.get(i) + "' listed twice");
          }
        }
        TaskGeometry ug = tasks.get(u);
        if (ug.dims() != g.dims()) {
          throw new GraphException(t, "upstream",
              "task " + g.name() + " has " + g.dims() + " dimensions but its upstream task "
                  + ug.name() + " has " + ug.dims());
        }
        upstreamTasks[t][i] = u;
        down.get(u).add(t);
      }
    }
    downstreamTasks = new int[n][];
    for (int t = 0; t < n; t++) {
      downstreamTasks[t] = down.get(t).stream().mapToInt(Integer::intValue).toArray();
    }
    checkAcyclic();
    for (int t = 0; t < n; t++) {
      grids[t] = new BlockGrid(tasks.get(t));
    }
  }

  /** Validates the pipeline and builds its graph; throws {@link GraphException} naming the fault. */
  public static DependencyGraph of(List<TaskGeometry> tasks) {
    if (tasks == null || tasks.isEmpty()) {
      throw new GraphException(-1, "tasks", "a pipeline needs at least one task");
    }
    return new DependencyGraph(tasks);
  }

  private void checkAcyclic() {
    int n = names.length;
    int[] state = new int[n]; // 0 new, 1 on stack, 2 done
    for (int t = 0; t < n; t++) {
      List<Integer> path = new ArrayList<>();
      if (state[t] == 0 && findCycle(t, state, path)) {
        StringBuilder s = new StringBuilder();
        int start = path.get(path.size() - 1);
        int from = path.indexOf(start);
        for (int i = from; i < path.size(); i++) {
          if (s.length() > 0) {
            s.append(" -> ");
          }
          s.append(names[path.get(i)]);
        }
        throw new GraphException(start, "upstream", "dependency cycle between tasks: " + s);
      }
    }
  }

  private boolean findCycle(int t, int[] state, List<Integer> path) {
    state[t] = 1;
    path.add(t);
    for (int d : downstreamTasks[t]) {
      if (state[d] == 1) {
        path.add(d);
        return true;
      }
      if (state[d] == 0 && findCycle(d, state, path)) {
        return true;
      }
    }
    state[t] = 2;
    path.remove(path.size() - 1);
    return false;
  }

  public int taskCount() {
    return grids.length;
  }

  public String taskName(int task) {
    return names[task];
  }

  /** The index of the named task, or -1. */
  public int taskIndex(String name) {
    Integer i = index.get(name);
    return i == null ? -1 : i;
  }

  public BlockGrid grid(int task) {
    return grids[task];
  }

  /** Indices of the tasks this task reads from, in config order. */
  public int[] upstreamTasks(int task) {
    return upstreamTasks[task].clone();
  }

  /** Indices of the tasks that read from this task. */
  public int[] downstreamTasks(int task) {
    return downstreamTasks[task].clone();
  }

  /** The total number of blocks of all tasks. */
  public long totalBlocks() {
    long sum = 0;
    for (BlockGrid g : grids) {
      sum += g.blockCount();
    }
    return sum;
  }

  /** The block {@code id} of {@code task} with its ROIs. */
  public Block block(int task, long id) {
    BlockGrid g = checkedGrid(task, id);
    long[] k = new long[g.dims()];
    g.gridIndex(id, k);
    return new Block(names[task], id, g.readRoi(k), g.writeRoi(k));
  }

  public long level(int task, long id) {
    return checkedGrid(task, id).level(id);
  }

  BlockGrid checkedGrid(int task, long id) {
    BlockGrid g = grids[task];
    if (!g.contains(id)) {
      throw new IllegalArgumentException(
          "task " + names[task] + " has no block " + id + " (it has " + g.blockCount() + ")");
    }
    return g;
  }

  /**
   * A walker of this graph's dependencies with scratch space of its own, for a loop over many
   * blocks on one thread: {@link #upstream} and {@link #downstream} without an allocation per block.
   */
  public DependencyWalker walker() {
    return new DependencyWalker(this);
  }

  /**
   * Calls {@code sink} with every block that must finish before this block may start. Makes a
   * walker for the call; a hot loop keeps its own ({@link #walker}).
   */
  public void upstream(int task, long id, BlockSink sink) {
    walker().upstream(task, id, sink);
  }

  /**
   * Calls {@code sink} with every block that waits for this block: the inverse of upstream. Makes
   * a walker for the call; a hot loop keeps its own ({@link #walker}).
   */
  public void downstream(int task, long id, BlockSink sink) {
    walker().downstream(task, id, sink);
  }

  /** True if the block has no upstream block at all. */
  public boolean isRoot(int task, long id) {
    boolean[] any = new boolean[1];
    upstream(task, id, (t, u) -> any[0] = true);
    return !any[0];
  }

  /** The tasks {@code task} reads from, not copied: the caller must not change it. */
  int[] upstreamOf(int task) {
    return upstreamTasks[task];
  }

  /** The tasks that read from {@code task}, not copied: the caller must not change it. */
  int[] downstreamOf(int task) {
    return downstreamTasks[task];
  }

  /**
   * The blocks of {@code task} that have no upstream block at all, lazily, in row-major order.
   * These are level-0 blocks that read nothing another task writes.
   */
  public RootCursor roots(int task) {
    BlockGrid g = grids[task];
    List<long[][]> boxes = new ArrayList<>();
    for (int u : upstreamTasks[task]) {
      long[][] box = readerBox(g, grids[u]);
      if (box != null) {
        boxes.add(box);
      }
    }
    return new RootCursor(g, boxes);
  }

  /**
   * The grid-index box of blocks of {@code g} whose read ROI meets the region written by
   * upstream task {@code u} (whose blocks tile it without gaps), or null if there are none.
   */
  private static long[][] readerBox(BlockGrid g, BlockGrid u) {
    if (u.blockCount() == 0 || g.blockCount() == 0) {
      return null;
    }
    int dims = g.dims();
    long[][] box = new long[2][dims];
    long[] firstU = new long[dims];
    long[] lastU = new long[dims];
    for (int d = 0; d < dims; d++) {
      lastU[d] = u.gridShape(d) - 1;
    }
    for (int d = 0; d < dims; d++) {
      if (!g.readersOf(d, u.writeBegin(firstU, d), u.writeEnd(lastU, d), box[0], box[1])) {
        return null;
      }
    }
    return box;
  }

  @Override
  public String toString() {
    return "DependencyGraph" + Arrays.toString(names);
  }
}
