package org.daisyjava.launcher.config;

import java.time.Duration;
import org.daisyjava.core.BlockCode;
import org.daisyjava.scheduler.graph.TaskGeometry;

/**
 * One entry of {@code tasks:}.
 *
 * @param geometry blocks and dependencies
 * @param voxelSize the voxel size the ROIs are multiples of, or null
 * @param timeout a block running longer is failed and retried; null = no limit
 * @param process user code per block; null if the task can only be planned
 * @param check tells whether a block is already done; null = none
 * @param batch every batch system's section ({@code slurm:}, {@code lsf:}) with this task's
 *     overrides merged over the top-level one
 * @param line the line of the task's entry in the config file (for messages)
 */
public record TaskConfig(
    TaskGeometry geometry,
    long[] voxelSize,
    int numWorkers,
    int maxRetries,
    Duration timeout,
    BlockCode process,
    BlockCode check,
    BatchSettings batch,
    int line) {

  public String name() {
    return geometry.name();
  }
}
