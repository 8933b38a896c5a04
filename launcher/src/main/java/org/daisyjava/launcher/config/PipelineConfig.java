package org.daisyjava.launcher.config;

import java.nio.file.Path;
import java.util.List;
import org.daisyjava.launcher.backend.BackendRegistry;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.scheduler.graph.TaskGeometry;

/**
 * A whole config file, validated.
 *
 * @param text the file's text as read (copied into the run directory)
 * @param source the file it came from
 */
public record PipelineConfig(
    String name,
    Path runDir,
    String backend,
    SchedulerSettings scheduler,
    WorkerSettings worker,
    BatchSettings batch,
    SshSettings ssh,
    List<TaskConfig> tasks,
    DependencyGraph graph,
    String text,
    Path source) {

  /**
   * A pipeline built in code: the given tasks with every other setting at its default, except
   * the scheduler's heartbeat.
   */
  public static PipelineConfig forTasks(String name, Path runDir, List<TaskConfig> tasks,
      java.time.Duration heartbeatInterval, int heartbeatLiveness) {
    DependencyGraph graph = DependencyGraph.of(tasks.stream().map(TaskConfig::geometry).toList());
    SchedulerSettings s = SchedulerSettings.DEFAULTS;
    SchedulerSettings scheduler = new SchedulerSettings(s.hosts(), s.portLow(), s.portHigh(),
        heartbeatInterval, heartbeatLiveness, s.statusInterval(), java.util.Optional.empty(), // no page:
        s.encryption(), 0); // a library opens no port unasked
    return new PipelineConfig(name, runDir, "local", scheduler, WorkerSettings.DEFAULTS,
        defaultBatch(), null, List.copyOf(tasks), graph,
        "# pipeline built in code: " + name + "\n", null);
  }

  /** Every batch system's settings at their defaults, for tasks built in code. */
  public static BatchSettings defaultBatch() {
    return BatchSettings.defaults(BackendRegistry.sections());
  }

  public List<TaskGeometry> geometries() {
    return tasks.stream().map(TaskConfig::geometry).toList();
  }

  public TaskConfig task(String name) {
    for (TaskConfig t : tasks) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return null;
  }
}
