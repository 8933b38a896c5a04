package org.daisyjava.launcher.config;

import java.nio.file.Path;
import java.util.List;
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
    SlurmSettings slurm,
    LsfSettings lsf,
    SshSettings ssh,
    List<TaskConfig> tasks,
    DependencyGraph graph,
    String text,
    Path source) {

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
