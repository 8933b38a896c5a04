package org.daisyjava.scheduler.graph;

import org.daisyjava.core.Fit;
import java.util.List;
import org.daisyjava.core.DimensionMismatchException;
import org.daisyjava.core.Roi;

/**
 * The part of a task that decides its blocks and their dependencies: everything the checkpoint
 * fingerprint covers and nothing else.
 *
 * @param name unique task name
 * @param totalRoi the total region that blocks may read
 * @param readRoi the read ROI of one block (its offset relative to the block's origin)
 * @param writeRoi the write ROI of one block; must lie inside {@code readRoi}
 * @param fit how blocks at the border are handled
 * @param readWriteConflict whether neighbouring blocks that read what another writes must wait
 * @param upstream names of the tasks whose output this task reads
 */
public record TaskGeometry(
    String name,
    Roi totalRoi,
    Roi readRoi,
    Roi writeRoi,
    Fit fit,
    boolean readWriteConflict,
    List<String> upstream) {

  /**
   * Every ROI offset lies in [-2^60, 2^60] and every extent in [0, 2^60]. The block grid adds and
   * subtracts a few such numbers per axis (begins, ends, context, strides, grid steps), and the
   * bound keeps every such sum far below 2^63, so that arithmetic needs no overflow check of its
   * own; block counts, which multiply, are checked exactly.
   */
  public static final long COORDINATE_LIMIT = 1L << 60;

  public TaskGeometry {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("task name must be 1-100 characters of letters, digits,"
          + " '_', '-', '.', ':' starting with a letter or digit, got '" + name + "'");
    }
    require(totalRoi != null, name, "total_roi must be given");
    require(readRoi != null, name, "read_roi must be given");
    require(writeRoi != null, name, "write_roi must be given");
    require(fit != null, name, "fit must be given");
    upstream = List.copyOf(upstream == null ? List.of() : upstream);
    if (readRoi.dims() != totalRoi.dims()) {
      throw new IllegalArgumentException(
          "task " + name + ": read_roi has " + readRoi.dims() + " dimensions but total_roi has "
              + totalRoi.dims(), new DimensionMismatchException(totalRoi.dims(), readRoi.dims()));
    }
    if (writeRoi.dims() != totalRoi.dims()) {
      throw new IllegalArgumentException(
          "task " + name + ": write_roi has " + writeRoi.dims() + " dimensions but total_roi has "
              + totalRoi.dims(), new DimensionMismatchException(totalRoi.dims(), writeRoi.dims()));
    }
    requireBounded(name, "total_roi", totalRoi);
    requireBounded(name, "read_roi", readRoi);
    requireBounded(name, "write_roi", writeRoi);
    require(writeRoi.shape().allPositive(), name,
        "write_roi shape must be positive on every axis, got " + writeRoi.shape());
    require(readRoi.contains(writeRoi), name,
        "write_roi " + writeRoi + " must lie inside read_roi " + readRoi);
  }

  /** Names become directory and job names, so no '/', no spaces, no shell characters. */
  private static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}");

  public int dims() {
    return totalRoi.dims();
  }

  private static void requireBounded(String task, String key, Roi r) {
    for (int d = 0; d < r.dims(); d++) {
      require(r.begin(d) >= -COORDINATE_LIMIT && r.begin(d) <= COORDINATE_LIMIT
          && r.shape(d) <= COORDINATE_LIMIT, task, key + " " + r + " is beyond ±2^60 on axis " + d
          + " (the largest coordinates supported)");
    }
  }

  private static void require(boolean ok, String task, String message) {
    if (!ok) {
      throw new IllegalArgumentException("task " + task + ": " + message);
    }
  }
}
