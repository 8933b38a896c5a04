package org.daisyjava.launcher.observe;

/**
 * The state of a task's blocks on its grid, downsampled to at most {@link #MAX_CELLS} cells so a
 * grid of 10^9 blocks costs the same as one of 10^4: each cell counts the blocks of a box of the
 * grid that are done, running and failed for good. Up to that size a cell is one block. Not
 * thread-safe; its owner locks.
 *
 * <p>The states of a picture, one character per cell: {@code d} done, {@code p} partly done,
 * {@code r} running, {@code w} waiting, {@code f} failed, {@code o} orphaned (a finished task's
 * blocks that neither completed nor failed).
 */
final class BlockMap {
  static final int MAX_CELLS = 65_536;
  private final long[] grid;
  private final int[] cells;
  /** Blocks per cell along each axis. */
  private final long[][] perAxis;
  private final int[] done;
  private final int[] running;
  private final int[] failed;
  /** Per axis up to {@link #LOOKUP_LIMIT} grid indices: the cell coordinate of each (no division). */
  private final int[][] lookup;
  private static final long LOOKUP_LIMIT = 1 << 16;

  BlockMap(long[] gridShape) {
    grid = gridShape.clone();
    cells = new int[grid.length];
    for (int a = 0; a < grid.length; a++) {
      cells[a] = (int) Math.max(1, Math.min(grid[a], MAX_CELLS));
    }
    // halve the longest axis until the cells fit: keeps the picture's proportions
    while (product(cells) > MAX_CELLS) {
      int longest = 0;
      for (int a = 1; a < cells.length; a++) {
        if (cells[a] > cells[longest]) {
          longest = a;
        }
      }
      cells[longest] = (cells[longest] + 1) / 2;
    }
    perAxis = new long[grid.length][];
    for (int a = 0; a < grid.length; a++) {
      perAxis[a] = new long[cells[a]];
      for (int k = 0; k < cells[a]; k++) {
        perAxis[a][k] = firstOf(a, k + 1) - firstOf(a, k);
      }
    }
    lookup = new int[grid.length][];
    for (int a = 0; a < grid.length; a++) {
      if (grid[a] <= LOOKUP_LIMIT) {
        lookup[a] = new int[(int) grid[a]];
        for (int k = 0; k < cells[a]; k++) {
          for (long g = firstOf(a, k); g < firstOf(a, k + 1); g++) {
            lookup[a][(int) g] = k;
          }
        }
      }
    }
    int n = (int) product(cells);
    done = new int[n];
    running = new int[n];
    failed = new int[n];
  }

  private static long product(int[] v) {
    long p = 1;
    for (int x : v) {
      p *= x;
    }
    return p;
  }

  /** The first grid index along {@code axis} that falls into cell {@code k}: ceil(k * grid / cells). */
  private long firstOf(int axis, int k) {
    long g = grid[axis];
    long c = cells[axis];
    long q = g / c;
    long r = g % c;
    // k * g / c without overflow: k * q + k * r / c, where k, r < c ≤ MAX_CELLS
    long whole = k * q + (k * r) / c;
    return (k * r) % c == 0 ? whole : whole + 1;
  }

  /** The cell of block {@code id} (row-major grid index, the last axis fastest). */
  int cellOf(long id) {
    int cell = 0;
    int stride = 1;
    long rest = id;
    for (int a = grid.length - 1; a >= 0; a--) {
      long g = rest % grid[a];
      rest /= grid[a];
      long c = cells[a];
      int k = lookup[a] != null ? lookup[a][(int) g] : cellAlong(a, g);
      cell += k * stride;
      stride *= (int) c;
    }
    return cell;
  }

  /**
   * Cell k holds g iff k <= g * c / grid < k + 1 (the inverse of firstOf); g * c fits in a long
   * below 1.4e14 blocks along the axis, beyond that estimate and correct.
   */
  private int cellAlong(int a, long g) {
    long c = cells[a];
    int k = grid[a] <= Long.MAX_VALUE / c ? (int) (g * c / grid[a]) : (int) (g / (double) grid[a] * c);
    while (k + 1 < c && firstOf(a, k + 1) <= g) {
      k++;
    }
    while (k > 0 && firstOf(a, k) > g) {
      k--;
    }
    return k;
  }

  /** Block {@code id} started; returns its cell (for {@link #ended}). */
  int started(long id) {
    int c = cellOf(id);
    running[c]++;
    return c;
  }

  /** The block in {@code cell} (as {@link #started} returned it) ended. */
  void ended(int cell, boolean failedForGood) {
    int c = cell;
    running[c]--;
    if (failedForGood) {
      failed[c]++;
    }
  }

  void done(long id) {
    done[cellOf(id)]++;
  }

  int[] cellShape() {
    return cells.clone();
  }

  long[] gridShape() {
    return grid.clone();
  }

  /** Blocks in cell {@code cell}. */
  long blocksIn(int cell) {
    long n = 1;
    int rest = cell;
    for (int a = cells.length - 1; a >= 0; a--) {
      n *= perAxis[a][rest % cells[a]];
      rest /= cells[a];
    }
    return n;
  }

  /** One state character per cell, row-major (see the class comment). */
  String picture(boolean taskFinished) {
    char[] out = new char[done.length];
    for (int c = 0; c < out.length; c++) {
      long total = blocksIn(c);
      char s;
      if (failed[c] > 0) {
        s = 'f';
      } else if (running[c] > 0) {
        s = 'r';
      } else if (done[c] >= total) {
        s = 'd';
      } else if (taskFinished) {
        s = 'o';
      } else {
        s = done[c] > 0 ? 'p' : 'w';
      }
      out[c] = s;
    }
    return new String(out);
  }
}
