package org.daisyjava.launcher.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The {@code lsf:} section, and a task's {@code lsf:} overrides merged over it. */
public record LsfSettings(
    String queue,
    String project,
    String walltime,
    String mem,
    Integer cores,
    Integer gpus,
    List<String> jobExtraDirectives,
    List<String> jobScriptPrologue,
    Path template,
    Duration pollInterval) {

  static final LsfSettings DEFAULTS = new LsfSettings(
      null, null, null, null, null, null, List.of(), List.of(), null, Duration.ofSeconds(10));

  private static final Set<String> KEYS = Set.of("queue", "project", "walltime", "mem", "cores",
      "gpus", "job_extra_directives", "job_script_prologue", "template", "poll_interval");
  private static final String LSF_WALLTIME = "(\\d+:)?\\d+";

  static LsfSettings from(ConfigNode n, LsfSettings base, boolean perTask, Path configDir)
      throws ConfigException {
    if (n == null) {
      return base;
    }
    n.allowOnly(perTask ? SlurmSettings.without(KEYS, "poll_interval") : KEYS);
    return new LsfSettings(
        SlurmSettings.matching(n, "queue", SlurmSettings.NAME_CHARS, base.queue),
        SlurmSettings.matching(n, "project", SlurmSettings.NAME_CHARS, base.project),
        SlurmSettings.matching(n, "walltime", LSF_WALLTIME, base.walltime),
        n.get("mem") == null ? base.mem : n.get("mem").size(),
        n.get("cores") == null ? base.cores : Integer.valueOf(n.get("cores").intValue(1, 100_000)),
        n.get("gpus") == null ? base.gpus : Integer.valueOf(n.get("gpus").intValue(0, 1024)),
        n.get("job_extra_directives") == null
            ? base.jobExtraDirectives : List.copyOf(n.get("job_extra_directives").stringList()),
        n.get("job_script_prologue") == null
            ? base.jobScriptPrologue : List.copyOf(n.get("job_script_prologue").stringList()),
        n.get("template") == null ? base.template : configDir.resolve(n.get("template").string()),
        n.get("poll_interval") == null ? base.pollInterval : SlurmSettings.positive(n.get("poll_interval")));
  }
}
