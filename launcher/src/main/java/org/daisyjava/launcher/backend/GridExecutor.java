package org.daisyjava.launcher.backend;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.TaskConfig;

/**
 * What one batch system supplies, and nothing more: the template's directive values, the submit
 * command line, job-id parsing, the status command and its state map, the cancel command.
 * Everything else — arrays of workers, polling, replacing dead workers, cleanup — lives once in
 * {@link ClusterBackend}.
 */
public interface GridExecutor {
  /** {@code slurm}, as in {@code --backend}. */
  String name();

  /** The classpath resource of the default job template. */
  String defaultTemplate();

  /** The user's template ({@code slurm.template}), or null for the default. */
  Path customTemplate(TaskConfig task);

  /** Placeholder values for the task's batch directives; lists repeat their template line. */
  Map<String, List<String>> directives(TaskConfig task);

  /** How often to poll the queue. */
  java.time.Duration pollInterval(PipelineConfig config);

  /** The command that submits {@code script} as an array of {@code count} workers. */
  List<String> submitCommand(Path script, int count);

  /** Standard input for the submit command, or null. */
  default String submitInput(Path script) {
    return null;
  }

  /** The job id in the submit command's output; throws if there is none. */
  String parseJobId(String stdout);

  /** The ids of an array job's elements, in the queue's notation. */
  List<String> arrayElements(String jobId, int count);

  /** One command that lists every job of the run (all carry {@code jobName}). */
  List<String> statusCommand(String jobName);

  /** Job (array element) id to state, from the status command's output. */
  Map<String, JobState> parseStatus(String stdout);

  /**
   * Cancels the given jobs or array elements, but only those named {@code jobName} (unless it is
   * null): an id recorded long ago may have been reused by the batch system for someone else's job.
   */
  List<String> cancelCommand(String jobName, List<String> jobIds);
}
