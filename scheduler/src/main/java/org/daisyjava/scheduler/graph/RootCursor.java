package org.daisyjava.scheduler.graph;

import java.util.List;

/**
 * Walks the root blocks of one task (level 0, reading nothing an upstream task writes) in
 * row-major order, one at a time. Holds only a grid position: a task of 10^9 blocks costs the
 * same as one of ten.
 *
 * <p>Blocks that read from an upstream task form one grid-index box per upstream task; along the
 * innermost axis the cursor jumps over those boxes instead of testing block by block, so a row
 * covered by upstream output costs a few comparisons.
 */
public final class RootCursor {
  private final BlockGrid grid;
  private final int dims;
  /** Per upstream task: {first[], last[]} grid indices of blocks that read its output. */
  private final long[][][] boxes;
  /** Level-0 residue per axis: a level-0 block has k[d] ≡ residue[d] (mod stride[d]). */
  private final long[] residue;
  private final long[] k;
  private boolean exhausted;

  RootCursor(BlockGrid grid, List<long[][]> boxes) {
    this.grid = grid;
    this.dims = grid.dims();
    this.boxes = boxes.toArray(new long[0][][]);
    this.residue = new long[dims];
    this.k = new long[dims];
    if (grid.blockCount() == 0) {
      exhausted = true;
      return;
    }
    grid.levelResidue(0, residue);
    System.arraycopy(residue, 0, k, 0, dims);
    // position on the first root (k itself may be covered by an upstream box)
    exhausted = !settle();
  }

  /** The id of the next root block, or -1 when there are no more. */
  public long next() {
    if (exhausted) {
      return -1;
    }
    long id = grid.id(k);
    int last = dims - 1;
    k[last] += grid.stride(last);
    exhausted = !settle();
    return id;
  }

  /** Moves past the last root: {@link #next} returns -1 from now on. */
  public void skipAll() {
    exhausted = true;
  }

  /** True if {@link #next} would return -1. */
  public boolean isExhausted() {
    return exhausted;
  }

  /**
   * Moves {@code k} forward to the first root at or after it; false if there is none. The outer
   * axes give the row; along the innermost axis the candidate is pushed past every box that
   * covers the row until it rests on a free position or runs off the row.
   */
  private boolean settle() {
    int last = dims - 1;
    long step = grid.stride(last);
    long n = grid.gridShape(last);
    while (true) {
      boolean moved = true;
      while (moved && k[last] < n) {
        moved = false;
        for (long[][] box : boxes) {
          if (coversRow(box) && k[last] >= box[0][last] && k[last] <= box[1][last]) {
            long beyond = box[1][last] + 1;
            // first position >= beyond with the level-0 residue
            k[last] = beyond + Math.floorMod(residue[last] - beyond, step);
            moved = true;
          }
        }
      }
      if (k[last] < n) {
        return true;
      }
      if (!nextRow()) {
        return false;
      }
    }
  }

  private boolean coversRow(long[][] box) {
    for (int d = 0; d < dims - 1; d++) {
      if (k[d] < box[0][d] || k[d] > box[1][d]) {
        return false;
      }
    }
    return true;
  }

  /** Advances the outer axes to the next row of level-0 positions; false past the last row. */
  private boolean nextRow() {
    int last = dims - 1;
    k[last] = residue[last];
    for (int d = last - 1; d >= 0; d--) {
      k[d] += grid.stride(d);
      if (k[d] < grid.gridShape(d)) {
        return true;
      }
      k[d] = residue[d];
    }
    return false;
  }
}
