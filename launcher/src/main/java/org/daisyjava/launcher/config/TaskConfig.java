package org.daisyjava.launcher.config;

import java.time.Duration;
import java.util.Map;
import org.daisyjava.core.BlockCode;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.scheduler.state.FailureLimit;

/**
 * One entry of {@code tasks:}.
 *
 * @param geometry blocks and dependencies
 * @param voxelSize the voxel size the ROIs are multiples of, or null
 * @param timeout a block running longer is failed and retried; null = no limit
 * @param process user code per block; null if the task can only be planned
 * @param check tells whether a block is already done; null = none
 * @param maxFailures blocks that may fail for good before the task is given up
 * @param env environment variables of this task's workers, added to (and winning over)
 *     {@code worker.env}
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
    FailureLimit maxFailures,
    Map<String, String> env,
    BatchSettings batch,
    int line) {

  public TaskConfig {
    env = env == null ? Map.of() : Map.copyOf(env);
    maxFailures = maxFailures == null ? FailureLimit.DEFAULT : maxFailures;
  }

  public String name() {
    return geometry.name();
  }
}
