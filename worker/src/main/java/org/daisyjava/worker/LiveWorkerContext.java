package org.daisyjava.worker;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.Coordinate;

/**
 * One slot's context as its runner thread keeps it up to date: fixed ids, the current attempt.
 * Each slot has its own (the attempt is that of the slot's block).
 */
final class LiveWorkerContext implements WorkerContext {
  private final String task;
  private final long workerId;
  private final int slot;
  private final Path runDir;
  private final Map<String, String> args;
  private final Coordinate voxelSize;
  // written by the runner thread, read by user code that may have handed the context elsewhere
  private volatile int attempt;

  LiveWorkerContext(String task, long workerId, Path runDir) {
    this(task, workerId, runDir, null);
  }

  /** With the args and voxel size of the task's code as the scheduler sent it (null: none). */
  LiveWorkerContext(String task, long workerId, Path runDir, BlockCode code) {
    this(task, workerId, 0, runDir, code);
  }

  /** The context of slot {@code slot} (0-based). */
  LiveWorkerContext(String task, long workerId, int slot, Path runDir, BlockCode code) {
    if (slot < 0) {
      throw new IllegalArgumentException("slot must be >= 0, got " + slot);
    }
    this.task = task;
    this.workerId = workerId;
    this.slot = slot;
    this.runDir = runDir == null ? null : runDir.toAbsolutePath();
    this.args = code == null ? Map.of() : code.args();
    this.voxelSize = code == null ? null : parseVoxelSize(code.option(BlockCode.VOXEL_SIZE_OPTION, null));
  }

  private static Coordinate parseVoxelSize(String csv) {
    if (csv == null || csv.isBlank()) {
      return null;
    }
    String[] parts = csv.split(",");
    long[] v = new long[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        v[i] = Long.parseLong(parts[i].trim());
      }
    } catch (NumberFormatException e) {
      return null; // not from our config loader; the code sees no voxel size rather than a wrong one
    }
    return Coordinate.of(v);
  }

  @Override
  public Map<String, String> args() {
    return args;
  }

  @Override
  public Optional<Coordinate> voxelSize() {
    return Optional.ofNullable(voxelSize);
  }

  @Override
  public String task() {
    return task;
  }

  @Override
  public long workerId() {
    return workerId;
  }

  @Override
  public int slot() {
    return slot;
  }

  @Override
  public Path runDir() {
    return runDir;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  void setAttempt(int attempt) {
    this.attempt = attempt;
  }

  @Override
  public String toString() {
    return "worker " + workerId + (slot == 0 ? "" : " slot " + slot) + " of task " + task;
  }
}
