package org.daisyjava.scheduler.graph;

import org.daisyjava.core.Fit;
import java.util.Arrays;
import org.daisyjava.core.Coordinate;
import org.daisyjava.core.Roi;

/**
 * The blocks of one task as a regular grid, with daisy's levels and same-task conflicts
 * computed from the grid index alone: nothing here grows with the number of blocks.
 *
 * <p>Per axis, with {@code w} the write shape: the total write ROI is the total ROI shrunk by the
 * context on each side; blocks sit at write offsets {@code 0, w, 2w, …} from its begin. The union
 * of daisy's levels is exactly this grid, so a block is named by its grid index {@code k} and its
 * id is the row-major rank of {@code k} — dense, so a done set can be a bitset.
 *
 * <p>Levels: the level stride {@code S = s·w} (in grid steps {@code s}) separates blocks that
 * may run at the same time. The level of {@code k} is given by {@code k mod s}; daisy orders the
 * level offsets reverse-lexicographically, so level 0 has the largest residue.
 */
public final class BlockGrid {
  private final TaskGeometry geometry;
  private final int dims;
  /** Read-ROI begin of grid index 0 (= total ROI begin). */
  private final long[] readBegin0;
  private final long[] readShape;
  /** Write-ROI begin of grid index 0 (= total write ROI begin). */
  private final long[] writeBegin0;
  private final long[] writeShape;
  private final long[] totalEnd;
  private final long[] totalWriteEnd;
  private final boolean shrink;
  /** Number of blocks per axis. */
  private final long[] gridShape;
  /** Level stride per axis, in grid steps. */
  private final long[] stride;
  private final long blockCount;
  private final long levelCount;

  BlockGrid(TaskGeometry g) {
    this.geometry = g;
    this.dims = g.dims();
    Roi total = g.totalRoi();
    Roi read = g.readRoi();
    Roi write = g.writeRoi();
    readBegin0 = total.begin().toArray();
    readShape = read.shape().toArray();
    writeShape = write.shape().toArray();
    totalEnd = total.end().toArray();
    writeBegin0 = new long[dims];
    totalWriteEnd = new long[dims];
    gridShape = new long[dims];
    stride = new long[dims];
    shrink = g.fit() == Fit.SHRINK;
    boolean empty = false;
    for (int d = 0; d < dims; d++) {
      long w = writeShape[d];
      long contextLow = write.begin(d) - read.begin(d);
      long contextHigh = read.end(d) - write.end(d);
      writeBegin0[d] = total.begin(d) + contextLow;
      totalWriteEnd[d] = total.end(d) - contextHigh;
      long extent = totalWriteEnd[d] - writeBegin0[d];
      long roundedExtent; // extent rounded to a multiple of w: down for valid, up otherwise
      if (g.fit() == Fit.VALID) {
        gridShape[d] = extent >= w ? extent / w : 0;
        roundedExtent = gridShape[d] * w;
      } else {
        gridShape[d] = extent > 0 ? ceilDiv(extent, w) : 0;
        roundedExtent = gridShape[d] * w;
      }
      long levelStride;
      if (!g.readWriteConflict()) {
        levelStride = w;
      } else {
        long minStride = Math.max(contextLow, contextHigh) + w;
        levelStride = Math.min(ceilDiv(minStride, w) * w, roundedExtent);
      }
      stride[d] = levelStride / w;
      empty |= gridShape[d] == 0;
    }
    if (empty) {
      Arrays.fill(gridShape, 0);
      blockCount = 0;
      levelCount = 0;
    } else {
      blockCount = checkedProduct(gridShape, g.name(), "blocks");
      levelCount = checkedProduct(stride, g.name(), "levels");
    }
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  private static long checkedProduct(long[] values, String task, String what) {
    long p = 1;
    for (long v : values) {
      try {
        p = Math.multiplyExact(p, v);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(
            "task " + task + ": too many " + what + " (" + Arrays.toString(values) + ")", e);
      }
    }
    return p;
  }

  public TaskGeometry geometry() {
    return geometry;
  }

  public int dims() {
    return dims;
  }

  public long blockCount() {
    return blockCount;
  }

  /** Number of levels: blocks of one level never conflict with each other. */
  public long levelCount() {
    return levelCount;
  }

  /** Number of blocks along each axis. */
  public Coordinate gridShape() {
    return Coordinate.of(gridShape);
  }

  long gridShape(int axis) {
    return gridShape[axis];
  }

  long stride(int axis) {
    return stride[axis];
  }

  // ---- ids and grid indices ----

  /** The row-major id of grid index {@code k}. */
  long id(long[] k) {
    long id = 0;
    for (int d = 0; d < dims; d++) {
      id = id * gridShape[d] + k[d];
    }
    return id;
  }

  /** Writes the grid index of {@code id} into {@code k}. */
  void gridIndex(long id, long[] k) {
    for (int d = dims - 1; d >= 0; d--) {
      long n = gridShape[d];
      k[d] = id % n;
      id /= n;
    }
  }

  /** True if {@code id} names a block of this task. */
  public boolean contains(long id) {
    return id >= 0 && id < blockCount;
  }

  // ---- levels ----

  /**
   * The level of the block with grid index {@code k}; its grid-index residues (mod stride, the
   * level's digits) go into {@code residue}, for {@link #sameTaskUpstream} and {@link
   * #sameTaskDownstream}.
   */
  long level(long[] k, long[] residue) {
    long rank = 0;
    for (int d = 0; d < dims; d++) {
      long r = k[d] % stride[d];
      residue[d] = r;
      rank = rank * stride[d] + r;
    }
    return levelCount - 1 - rank;
  }

  public long level(long id) {
    long[] k = new long[dims];
    gridIndex(id, k);
    return level(k, new long[dims]);
  }

  /** Writes into {@code residue} the grid-index residue (mod stride) of blocks of {@code level}. */
  void levelResidue(long level, long[] residue) {
    long rank = levelCount - 1 - level;
    for (int d = dims - 1; d >= 0; d--) {
      residue[d] = rank % stride[d];
      rank /= stride[d];
    }
  }

  // ---- same-task dependencies ----

  /**
   * Calls {@code sink} with {@code task} and the ids of the same-task blocks that must finish
   * before block {@code k} (at {@code level}, with {@code residue} from {@link #level(long[],
   * long[])}) may start: blocks of the previous level at daisy's conflict shifts, where they
   * exist. {@code first} and {@code second} are scratch space of {@link #dims} entries, in use
   * until this returns.
   */
  void sameTaskUpstream(long[] k, long[] residue, long level, long[] first, long[] second, int task,
      BlockSink sink) {
    if (level == 0) {
      return;
    }
    neighbours(k, residue, true, first, second, task, sink);
  }

  /** The inverse of {@link #sameTaskUpstream}: blocks of the next level that wait for {@code k}. */
  void sameTaskDownstream(long[] k, long[] residue, long level, long[] first, long[] second, int task,
      BlockSink sink) {
    if (level >= levelCount - 1) {
      return;
    }
    neighbours(k, residue, false, first, second, task, sink);
  }

  /**
   * Blocks {@code k + sign·c} for every conflict shift {@code c} between a level and the next
   * ({@code upstream}: k's level and the one before, sign +1; else k's and the one after, sign
   * −1): per axis {@code δ = residue(lower) − residue(upper)} gives {@code {δ, δ+s}} if δ < 0,
   * {@code {0}} if δ = 0, {@code {δ−s, δ}} if δ > 0.
   *
   * <p>The δs need no arithmetic on level numbers, only k's residue: the lower of two adjacent
   * levels has the rank one higher, its residue digits (last axis least significant) are the
   * upper's plus one, so from the last axis δ is −(s−1) while the increment carries (the upper
   * digit is s−1, the lower 0), +1 where it stops, 0 before. Which axes carry is read off k's
   * digit: s−1 when k is the upper (upstream walk), 0 when k is the lower (downstream). An axis of
   * stride 1 always carries, with δ 0. This replaced four divisions per axis per walk.
   */
  private void neighbours(long[] k, long[] residue, boolean upstream, long[] first, long[] second,
      int task, BlockSink sink) {
    int sign = upstream ? +1 : -1;
    boolean carrying = true;
    // candidate grid positions per axis, already range-checked: first[d], and second[d] where
    // bit d of pairs is set
    int pairs = 0;
    for (int d = dims - 1; d >= 0; d--) {
      long s = stride[d];
      long delta = 0;
      if (carrying) {
        if (residue[d] == (upstream ? s - 1 : 0)) {
          delta = 1 - s;
        } else {
          delta = 1;
          carrying = false;
        }
      }
      int c = 0;
      if (delta == 0) {
        c = add(first, second, d, c, k[d]);
      } else {
        long lo = delta < 0 ? delta : delta - s;
        long hi = lo + s;
        c = add(first, second, d, c, k[d] + sign * lo);
        c = add(first, second, d, c, k[d] + sign * hi);
      }
      if (c == 0) {
        return;
      }
      if (c == 2) {
        pairs |= 1 << d;
      }
    }
    emitProduct(first, second, pairs, task, sink);
  }

  private int add(long[] first, long[] second, int d, int c, long pos) {
    if (pos < 0 || pos >= gridShape[d]) {
      return c;
    }
    if (c == 0) {
      first[d] = pos;
    } else {
      second[d] = pos;
    }
    return c + 1;
  }

  /** Emits the ids of the cartesian product of per-axis candidates (1 or 2 per axis). */
  private void emitProduct(long[] first, long[] second, int pairs, int task, BlockSink sink) {
    int combos = 1 << dims;
    for (int mask = 0; mask < combos; mask++) {
      if ((mask & ~pairs) != 0) {
        continue; // a second candidate on an axis that has only one
      }
      long id = 0;
      for (int d = 0; d < dims; d++) {
        id = id * gridShape[d] + ((mask >>> d & 1) == 1 ? second[d] : first[d]);
      }
      sink.accept(task, id);
    }
  }

  // ---- ROIs ----

  long readBegin(long[] k, int d) {
    return readBegin0[d] + k[d] * writeShape[d];
  }

  long readEnd(long[] k, int d) {
    long end = readBegin(k, d) + readShape[d];
    return shrink ? Math.min(end, totalEnd[d]) : end;
  }

  long writeBegin(long[] k, int d) {
    return writeBegin0[d] + k[d] * writeShape[d];
  }

  long writeEnd(long[] k, int d) {
    long end = writeBegin(k, d) + writeShape[d];
    return shrink ? Math.min(end, totalWriteEnd[d]) : end;
  }

  Roi readRoi(long[] k) {
    long[] b = new long[dims];
    long[] s = new long[dims];
    for (int d = 0; d < dims; d++) {
      b[d] = readBegin(k, d);
      s[d] = readEnd(k, d) - b[d];
    }
    return Roi.of(b, s);
  }

  Roi writeRoi(long[] k) {
    long[] b = new long[dims];
    long[] s = new long[dims];
    for (int d = 0; d < dims; d++) {
      b[d] = writeBegin(k, d);
      s[d] = writeEnd(k, d) - b[d];
    }
    return Roi.of(b, s);
  }

  /**
   * The range of grid indices along axis {@code d} whose write ROI intersects {@code [lo, hi)}:
   * written to {@code first[d]} and {@code last[d]} (inclusive) if there are any, with true;
   * false if none.
   */
  boolean writersOf(int d, long lo, long hi, long[] first, long[] last) {
    long w = writeShape[d];
    long b0 = writeBegin0[d];
    if (hi <= lo || (shrink && totalWriteEnd[d] <= lo)) {
      return false;
    }
    // write begin < hi  and  write end > lo
    first[d] = Math.max(0, Math.floorDiv(lo - b0, w));
    last[d] = Math.min(gridShape[d] - 1, Math.floorDiv(hi - b0 - 1, w));
    return first[d] <= last[d];
  }

  /**
   * The range of grid indices along axis {@code d} whose read ROI intersects {@code [lo, hi)}:
   * written to {@code first[d]} and {@code last[d]} (inclusive) if there are any, with true;
   * false if none.
   */
  boolean readersOf(int d, long lo, long hi, long[] first, long[] last) {
    long w = writeShape[d];
    long b0 = readBegin0[d];
    if (hi <= lo || (shrink && totalEnd[d] <= lo)) {
      return false;
    }
    // read begin < hi  and  read begin + readShape > lo
    first[d] = Math.max(0, Math.floorDiv(lo - readShape[d] - b0, w) + 1);
    last[d] = Math.min(gridShape[d] - 1, Math.floorDiv(hi - b0 - 1, w));
    return first[d] <= last[d];
  }
}
