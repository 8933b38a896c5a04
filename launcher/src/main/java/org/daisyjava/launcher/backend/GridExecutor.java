package org.daisyjava.launcher.backend;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.daisyjava.launcher.config.BatchSection;
import org.daisyjava.launcher.config.BatchSystemSettings;
import org.daisyjava.launcher.config.TaskConfig;

/**
 * What one batch system supplies, and nothing more: its config section, the template's directive
 * values, array notation and element ids, log-file names, the submit command and its answer, the
 * status command and its state map, the cancel command, the array size limit and how a job ended.
 * Everything else — arrays of workers, polling, replacing dead workers, cleanup, messages — lives
 * once in {@link ClusterBackend}. Adding a batch system is one class like this, one template under
 * {@code job-templates/} and one line in {@link BackendRegistry}, plus the settings record of its
 * config section (in the config package, beside the shared {@code BatchCommon} keys).
 */
public interface GridExecutor {
  /** {@code slurm}, as in {@code --backend}. */
  String name();

  /** The config section of this batch system ({@code slurm:}) and its settings class. */
  BatchSection<? extends BatchSystemSettings> section();

  /** The task's settings of this batch system. */
  default BatchSystemSettings settings(TaskConfig task) {
    return task.batch().get(section());
  }

  /** The classpath resource of the default job template. */
  String defaultTemplate();

  /**
   * The values of this batch system's own directives for the task; each name is a placeholder a
   * template may use. The common ones ({@code job_extra_directive}, {@code prologue}) and the
   * run's ({@code array_size}, {@code worker_command}, …) are added by {@link JobScripts}.
   */
  Directives directives(TaskConfig task);

  /** The command that submits the array of {@code s.count()} workers. */
  List<String> submitCommand(Submission s);

  /** Standard input for the submit command, or null. */
  default String submitInput(Submission s, String scriptText) {
    return null;
  }

  /** The job id in the submit command's output; throws IllegalArgumentException if there is none. */
  String parseJobId(String stdout);

  /** The ids of an array job's elements, in the queue's notation ({@code 123_0}, {@code 123[1]}). */
  List<String> arrayElements(String jobId, int count);

  /** The file an element's stderr goes to (the template's output directives name the same). */
  Path errorLog(Path logDir, String element);

  /** One command that lists every job of the run (all carry {@code jobName}). */
  List<String> statusCommand(String jobName);

  /** True if a failed status call only says that no job matched (an empty answer, not an error). */
  default boolean isEmptyAnswer(CommandRunner.Result r) {
    return false;
  }

  /** Job (array element) id to state, from the status command's output. */
  Map<String, JobState> parseStatus(String stdout);

  /**
   * Cancels the given jobs or array elements of this launch (ids seen in this launch's queue), but
   * only those named {@code jobName} where the batch system can filter so.
   */
  List<String> cancelCommand(String jobName, List<String> jobIds);

  /**
   * Cancels what an earlier launch may have left: the ids it recorded, which the batch system may
   * since have given to someone else's jobs, so the filter by {@code jobName} matters here.
   */
  default List<String> cancelLeftoversCommand(String jobName, List<String> jobIds) {
    return cancelCommand(jobName, jobIds);
  }

  /** The command that prints the cluster's configuration with the array size limit, or null. */
  List<String> arrayLimitCommand();

  /** The name of the array size limit in that output ({@code MaxArraySize}). */
  String arrayLimitKey();

  /** The command that says how the elements of array {@code jobId} ended (asked once per loss). */
  List<String> endingCommand(String jobId);

  /** Element id to how it ended, from the ending command's output. */
  Map<String, JobEnding> parseEndings(String stdout);
}
