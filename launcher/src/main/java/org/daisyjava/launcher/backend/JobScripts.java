package org.daisyjava.launcher.backend;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.config.BatchCommon;
import org.daisyjava.launcher.config.TaskConfig;
import org.daisyjava.launcher.run.LaunchException;

/**
 * The job scripts of one launch on one batch system: a task's template filled with its values.
 * The only owner of the placeholder values, so that a run's workers and the doctor's probe job
 * ({@code daisy-launch doctor}) get the same script but for the command that {@code exec}s: a
 * probe that ran with other directives, another environment or another prologue would test
 * something no run submits.
 *
 * <p>The values come from three places: the run ({@link #RUN_PLACEHOLDERS}), the keys every batch
 * system's section has ({@link #COMMON_PLACEHOLDERS}, from {@link BatchCommon}) and the
 * executor's own directives ({@link GridExecutor#directives}).
 *
 * @param runName the pipeline's {@code name:}
 * @param jobName the name every job of this launch carries (what the status command filters by)
 * @param runDir the run directory, as the job should see it
 */
public record JobScripts(GridExecutor grid, String runName, String jobName, Path runDir) {
  /** Placeholders of the run, the same in every batch system's template. */
  static final Set<String> RUN_PLACEHOLDERS = Set.of("task", "run_name", "job_name", "log_dir",
      "log_dir_quoted", "run_dir", "env_export", "worker_command", "array_size");
  /** Placeholders of the common batch keys: {@code job_extra_directives}, {@code job_script_prologue}. */
  static final Set<String> COMMON_PLACEHOLDERS = Set.of("job_extra_directive", "prologue");

  /**
   * The job script of {@code task} for an array of {@code arraySize} jobs that each run
   * {@code command}, their logs in {@code logDir}.
   *
   * @throws LaunchException (usage) if the template cannot be read or uses an unknown
   *     placeholder, or if {@code logDir} cannot stand in the script's log paths
   */
  public String render(TaskConfig task, int arraySize, Path logDir, WorkerCommand command)
      throws LaunchException {
    String log = logDir.toString();
    if (log.contains("\"") || log.contains("%")) {
      // #SBATCH values are double-quoted (paths may hold spaces), and sbatch reads % as a pattern
      throw new LaunchException(ExitCode.USAGE, "run_dir " + runDir + " contains '\"' or '%',"
          + " which cannot go into a job script's log paths; choose another run_dir");
    }
    Map<String, List<String>> values = new LinkedHashMap<>(grid.directives(task).values());
    BatchCommon batch = grid.settings(task).common();
    values.put("job_extra_directive", batch.jobExtraDirectives());
    values.put("prologue", batch.jobScriptPrologue());
    values.put("task", List.of(task.name()));
    values.put("run_name", List.of(runName));
    values.put("job_name", List.of(jobName));
    values.put("array_size", List.of(Integer.toString(arraySize)));
    values.put("log_dir", List.of(log));
    values.put("log_dir_quoted", List.of(JobTemplate.shellQuote(log)));
    values.put("run_dir", List.of(runDir.toString()));
    List<String> exports = new ArrayList<>();
    command.env().forEach((k, v) -> exports.add(k + "=" + JobTemplate.shellQuote(v)));
    values.put("env_export", exports);
    values.put("worker_command", List.of(String.join(" ",
        command.argv().stream().map(JobTemplate::shellQuote).toList())));
    assert values.keySet().equals(known(grid, task)) : values.keySet();
    try {
      return template(grid, task).render(values);
    } catch (IOException | IllegalArgumentException e) {
      throw new LaunchException(ExitCode.USAGE, "job template for task " + task.name() + ": " + e.getMessage());
    }
  }

  /**
   * Checks that the task's job template can be read and uses known placeholders only: a typo in a
   * custom template is a config error (exit 2) before anything is created or submitted.
   */
  static void check(GridExecutor grid, TaskConfig task) throws LaunchException {
    Path custom = grid.settings(task).common().template();
    String name = custom == null ? grid.defaultTemplate() : custom.toString();
    JobTemplate template;
    try {
      template = template(grid, task);
    } catch (IOException e) {
      throw new LaunchException(ExitCode.USAGE, "job template for task " + task.name()
          + ": cannot read " + name + ": " + e.getMessage());
    }
    Set<String> known = known(grid, task);
    Set<String> unknown = new TreeSet<>(template.placeholders());
    unknown.removeAll(known);
    if (!unknown.isEmpty()) {
      throw new LaunchException(ExitCode.USAGE, "job template " + name + " (task " + task.name()
          + ") uses unknown placeholder" + (unknown.size() == 1 ? " " : "s ")
          + String.join(", ", unknown.stream().map(u -> "{{" + u + "}}").toList())
          + " (known: " + String.join(", ", known) + ")");
    }
  }

  /** Every placeholder a template of {@code task} may use on {@code grid}, sorted. */
  static Set<String> known(GridExecutor grid, TaskConfig task) {
    Set<String> known = new TreeSet<>(RUN_PLACEHOLDERS);
    known.addAll(COMMON_PLACEHOLDERS);
    known.addAll(grid.directives(task).values().keySet());
    return known;
  }

  /** The task's job template: its {@code template:} file, or the executor's bundled default. */
  static JobTemplate template(GridExecutor grid, TaskConfig task) throws IOException {
    Path custom = grid.settings(task).common().template();
    return custom == null ? JobTemplate.resource(grid.defaultTemplate()) : JobTemplate.file(custom);
  }
}
