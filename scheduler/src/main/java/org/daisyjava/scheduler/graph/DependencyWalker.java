package org.daisyjava.scheduler.graph;

/**
 * Walks the dependencies of one block at a time — what {@link DependencyGraph#upstream} and
 * {@link DependencyGraph#downstream} do — with scratch space of its own, made once, so that a loop
 * over many blocks (the scheduler's per-block path) allocates nothing per block.
 *
 * <p>Not thread-safe, and not reentrant: the scratch holds the walk in progress while its sink
 * runs, so a sink must not walk with the walker that is calling it. A sink may walk with another
 * walker (the scheduler's downstream sinks walk upstream with a second one). Reentrant use throws
 * {@link IllegalStateException} instead of corrupting the walk in progress.
 */
public final class DependencyWalker {
  private final DependencyGraph graph;
  // scratch of the graph's largest number of dimensions; only the walk in progress uses it
  /** The block's grid index. */
  private final long[] k;
  /** Per axis: the first candidate (same task), or the first grid index of a range (other task). */
  private final long[] first;
  /** Per axis: the second candidate (same task), or the last grid index of a range (other task). */
  private final long[] second;
  /** The position in the box of ranges (other task). */
  private final long[] pos;
  /** The block's grid index mod stride: its level's digits. */
  private final long[] residue;
  private boolean walking;

  DependencyWalker(DependencyGraph graph) {
    this.graph = graph;
    int dims = 0;
    for (int t = 0; t < graph.taskCount(); t++) {
      dims = Math.max(dims, graph.grid(t).dims());
    }
    k = new long[dims];
    first = new long[dims];
    second = new long[dims];
    pos = new long[dims];
    residue = new long[dims];
  }

  /** Calls {@code sink} with every block that must finish before this block may start. */
  public void upstream(int task, long id, BlockSink sink) {
    walk(task, id, true, sink);
  }

  /** Calls {@code sink} with every block that waits for this block: the inverse of upstream. */
  public void downstream(int task, long id, BlockSink sink) {
    walk(task, id, false, sink);
  }

  private void walk(int task, long id, boolean upstream, BlockSink sink) {
    BlockGrid g = graph.checkedGrid(task, id);
    if (walking) {
      throw new IllegalStateException(
          "a DependencyWalker's sink walked with the same walker: use another one for the inner walk");
    }
    walking = true;
    try {
      g.gridIndex(id, k);
      long level = g.level(k, residue);
      if (upstream) {
        g.sameTaskUpstream(k, residue, level, first, second, task, sink);
      } else {
        g.sameTaskDownstream(k, residue, level, first, second, task, sink);
      }
      for (int other : upstream ? graph.upstreamOf(task) : graph.downstreamOf(task)) {
        overlapping(g, upstream, graph.grid(other), other, sink);
      }
    } finally {
      walking = false;
    }
  }

  /**
   * Blocks of {@code other} whose write ROI intersects the read ROI of block {@link #k} of
   * {@code g} ({@code upstream} true: other is upstream), or whose read ROI intersects its write
   * ROI (other is downstream).
   */
  private void overlapping(BlockGrid g, boolean upstream, BlockGrid other, int otherTask, BlockSink sink) {
    int dims = g.dims();
    long[] last = second;
    for (int d = 0; d < dims; d++) {
      boolean any = upstream
          ? other.writersOf(d, g.readBegin(k, d), g.readEnd(k, d), first, last)
          : other.readersOf(d, g.writeBegin(k, d), g.writeEnd(k, d), first, last);
      if (!any) {
        return;
      }
    }
    System.arraycopy(first, 0, pos, 0, dims);
    while (true) {
      sink.accept(otherTask, other.id(pos));
      int d = dims - 1;
      while (d >= 0 && pos[d] == last[d]) {
        pos[d] = first[d];
        d--;
      }
      if (d < 0) {
        return;
      }
      pos[d]++;
    }
  }
}
