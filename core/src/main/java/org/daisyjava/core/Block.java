package org.daisyjava.core;

/**
 * One unit of work: a task's block, named by its id, with the region it may read and the region
 * it writes (world units).
 */
public record Block(String task, long id, Roi readRoi, Roi writeRoi) {
  public Block {
    if (task == null || task.isEmpty()) {
      throw new IllegalArgumentException("task must not be empty");
    }
    if (id < 0) {
      throw new IllegalArgumentException("id must be >= 0, got " + id);
    }
    if (readRoi == null || writeRoi == null) {
      throw new IllegalArgumentException("readRoi and writeRoi must not be null");
    }
    if (readRoi.dims() != writeRoi.dims()) {
      throw new DimensionMismatchException(readRoi.dims(), writeRoi.dims());
    }
  }
}
