package org.daisyjava.worker;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.Coordinate;

/** The worker's context as the runner thread keeps it up to date: fixed ids, the current attempt. */
final class LiveWorkerContext implements WorkerContext {
  private final String task;
  private final long workerId;
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
    this.task = task;
    this.workerId = workerId;
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
    return "worker " + workerId + " of task " + task;
  }
}
