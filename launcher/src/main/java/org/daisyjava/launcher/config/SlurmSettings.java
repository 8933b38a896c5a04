package org.daisyjava.launcher.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The {@code slurm:} section, and a task's {@code slurm:} overrides merged over it. Values that
 * go into {@code #SBATCH} lines are checked for characters that could escape the line.
 */
public record SlurmSettings(
    String partition,
    String account,
    String qos,
    String time,
    String mem,
    Integer cpusPerTask,
    Integer gpus,
    String constraint,
    List<String> jobExtraDirectives,
    List<String> jobScriptPrologue,
    Path template,
    Duration pollInterval) {

  static final SlurmSettings DEFAULTS = new SlurmSettings(
      null, null, null, null, null, null, null, null, List.of(), List.of(), null,
      Duration.ofSeconds(10));

  private static final Set<String> KEYS = Set.of("partition", "account", "qos", "time", "mem",
      "cpus_per_task", "gpus", "constraint", "job_extra_directives", "job_script_prologue",
      "template", "poll_interval");
  static final String NAME_CHARS = "[A-Za-z0-9_.,:+\\-]+";
  private static final String CONSTRAINT_CHARS = "[A-Za-z0-9_.,:+\\-&|\\[\\]*()!]+";
  private static final String SLURM_TIME = "\\d+(-\\d+)?(:\\d+){0,2}";

  /**
   * Reads a {@code slurm:} mapping over {@code base}: keys present replace base's values. In a
   * task's overrides ({@code perTask}) {@code poll_interval} is not allowed.
   */
  static SlurmSettings from(ConfigNode n, SlurmSettings base, boolean perTask, Path configDir)
      throws ConfigException {
    if (n == null) {
      return base;
    }
    n.allowOnly(perTask ? without(KEYS, "poll_interval") : KEYS);
    return new SlurmSettings(
        matching(n, "partition", NAME_CHARS, base.partition),
        matching(n, "account", NAME_CHARS, base.account),
        matching(n, "qos", NAME_CHARS, base.qos),
        matching(n, "time", SLURM_TIME, base.time),
        n.get("mem") == null ? base.mem : n.get("mem").size(),
        n.get("cpus_per_task") == null ? base.cpusPerTask : Integer.valueOf(n.get("cpus_per_task").intValue(1, 100_000)),
        n.get("gpus") == null ? base.gpus : Integer.valueOf(n.get("gpus").intValue(0, 1024)),
        matching(n, "constraint", CONSTRAINT_CHARS, base.constraint),
        n.get("job_extra_directives") == null
            ? base.jobExtraDirectives : List.copyOf(n.get("job_extra_directives").stringList()),
        n.get("job_script_prologue") == null
            ? base.jobScriptPrologue : List.copyOf(n.get("job_script_prologue").stringList()),
        n.get("template") == null ? base.template : configDir.resolve(n.get("template").string()),
        n.get("poll_interval") == null ? base.pollInterval : positive(n.get("poll_interval")));
  }

  static String matching(ConfigNode n, String key, String regex, String fallback)
      throws ConfigException {
    ConfigNode c = n.get(key);
    if (c == null) {
      return fallback;
    }
    String v = c.string();
    if (!v.matches(regex)) {
      throw c.error("contains characters not allowed here: '" + v + "'");
    }
    return v;
  }

  static Duration positive(ConfigNode n) throws ConfigException {
    Duration d = n.duration();
    if (d.toMillis() < 100) {
      throw n.error("must be at least 100ms");
    }
    return d;
  }

  static Set<String> without(Set<String> keys, String key) {
    Set<String> s = new java.util.HashSet<>(keys);
    s.remove(key);
    return Set.copyOf(s);
  }
}
