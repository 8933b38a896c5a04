package org.daisyjava.launcher.backend;

import org.daisyjava.launcher.config.BatchSystemSettings;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.TaskConfig;
import org.daisyjava.launcher.config.WorkerSettings;

/**
 * How many blocks one worker process of a task runs at once ({@code daisy-worker --slots}). The
 * config's {@code worker.slots} if it sets one; otherwise a cluster job runs one block per cpu it
 * asked for ({@code slurm.cpus_per_task}, {@code lsf.cores}, the task's own override first), and
 * a local process or a job that names no cpus runs one. {@code num_workers} stays the number of
 * processes (jobs); the blocks running at once are {@code num_workers × slots}.
 */
final class WorkerSlots {
  private WorkerSlots() {}

  /** @param grid the batch system the task's jobs go to, or null for workers on this machine */
  static int of(PipelineConfig config, TaskConfig task, GridExecutor grid) {
    if (config.worker().slots().isPresent()) {
      return config.worker().slots().getAsInt();
    }
    if (grid == null) {
      return 1;
    }
    BatchSystemSettings settings = grid.settings(task);
    Integer cpus = settings.cpus();
    // a job of more cpus than a worker may hold blocks still runs the most slots there are
    return cpus == null ? 1 : Math.max(1, Math.min(WorkerSettings.MAX_SLOTS, cpus));
  }
}
