package org.daisyjava.worker;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.daisyjava.core.Coordinate;

/** What a {@link BlockFunction} may know about the worker running it. */
public interface WorkerContext {
  /** The task this worker serves. */
  String task();

  /** The worker's id within the run, as given by the scheduler ({@code DAISY_WORKER_ID}). */
  long workerId();

  /**
   * Which of the worker's slots this is: 0 to slots - 1 ({@code DAISY_SLOT}). A worker with
   * {@code slots: N} runs N blocks at once, each slot on a thread (and with a {@code class:} an
   * instance of the function) of its own; 0 for a one-slot worker.
   */
  default int slot() {
    return 0;
  }

  /** The run directory as an absolute path ({@code DAISY_RUN_DIR}), or null if none is known. */
  Path runDir();

  /**
   * The attempt number of the block being processed on this worker right now: 1 on its first
   * try, 2 on the first retry, and so on. 0 while no block is being processed (e.g. in setup).
   */
  int attempt();

  /**
   * The {@code args:} of the task's {@code process: {class: ..., args: {...}}}, by name, as
   * strings (lists comma-separated); empty when there are none.
   */
  default Map<String, String> args() {
    return Map.of();
  }

  /** The task's {@code voxel_size}, if the config gives one (ROIs are in world units). */
  default Optional<Coordinate> voxelSize() {
    return Optional.empty();
  }
}
