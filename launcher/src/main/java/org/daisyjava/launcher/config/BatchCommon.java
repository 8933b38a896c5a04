package org.daisyjava.launcher.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys every batch system's section has ({@code slurm:}, {@code lsf:}, …), read and checked
 * in one place so that each system's settings class only adds its own directives: walltime and
 * drain, the job's resources (memory, cpus, gpus), extra directives, prologue, template, poll
 * interval. Two of them go by the system's own names, as its users know them: the walltime
 * ({@code slurm.time}, {@code lsf.walltime}, see {@link Walltime.Notation}) and the cpus
 * ({@code slurm.cpus_per_task}, {@code lsf.cores}).
 *
 * @param walltime the job's walltime, or null for the site's default
 * @param drain how long before the walltime the worker is told to leave ({@code drain:}), or null
 *     for the default (see {@link #effectiveDrain})
 * @param mem the memory per job as configured ({@code 16G}), or null
 * @param cpus the cpus of one job, or null
 * @param gpus the gpus of one job, or null
 */
public record BatchCommon(
    Duration walltime,
    Duration drain,
    String mem,
    Integer cpus,
    Integer gpus,
    List<String> jobExtraDirectives,
    List<String> jobScriptPrologue,
    Path template,
    Duration pollInterval) {

  /** The drain when none is configured: a few minutes, but never more than half the walltime. */
  static final Duration DEFAULT_DRAIN = Duration.ofMinutes(5);
  static final BatchCommon DEFAULTS = new BatchCommon(null, null, null, null, null, List.of(), List.of(), null,
      Duration.ofSeconds(10));
  /** The common keys under the same name in every section. */
  private static final Set<String> KEYS = Set.of("drain", "mem", "gpus", "job_extra_directives",
      "job_script_prologue", "template", "poll_interval");
  /** Characters allowed in plain directive values (queue, partition, account, project, qos). */
  static final String NAME_CHARS = "[A-Za-z0-9_.,:+\\-]+";

  /**
   * The keys of a section: the common ones, the system's names for the walltime and the cpus, and
   * its own directives.
   */
  static Set<String> keys(Walltime.Notation walltime, String cpusKey, String... own) {
    Set<String> k = new HashSet<>(KEYS);
    k.add(walltime.key());
    k.add(cpusKey);
    k.addAll(List.of(own));
    return Set.copyOf(k);
  }

  /**
   * Reads the common keys of section {@code n} over {@code base}.
   *
   * @param walltime the system's key for the walltime ({@code time}, {@code walltime}) and its notation
   * @param cpusKey the system's key for the cpus of one job ({@code cpus_per_task}, {@code cores})
   * @param perTask a task's overrides: {@code poll_interval} belongs to the whole run
   */
  static BatchCommon from(ConfigNode n, BatchCommon base, Walltime.Notation walltime, String cpusKey,
      boolean perTask, Path configDir) throws ConfigException {
    if (perTask && n.get("poll_interval") != null) {
      throw n.get("poll_interval").error("is set for the whole run, not per task");
    }
    String mem = n.get("mem") == null ? base.mem : n.get("mem").size();
    Integer cpus = n.get(cpusKey) == null ? base.cpus : Integer.valueOf(n.get(cpusKey).intValue(1, 100_000));
    Integer gpus = n.get("gpus") == null ? base.gpus : Integer.valueOf(n.get("gpus").intValue(0, 1024));
    String walltimeKey = walltime.key();
    ConfigNode w = n.get(walltimeKey);
    Duration time = w == null ? base.walltime : Walltime.read(w, walltime);
    ConfigNode d = n.get("drain");
    Duration drain = base.drain;
    if (d != null) {
      drain = d.duration();
      if (drain.toSeconds() < 1) {
        throw d.error("must be at least 1s");
      }
    }
    BatchCommon c = new BatchCommon(time, drain, mem, cpus, gpus,
        n.get("job_extra_directives") == null
            ? base.jobExtraDirectives : List.copyOf(n.get("job_extra_directives").stringList()),
        n.get("job_script_prologue") == null
            ? base.jobScriptPrologue : List.copyOf(n.get("job_script_prologue").stringList()),
        n.get("template") == null ? base.template : configDir.resolve(n.get("template").string()),
        n.get("poll_interval") == null ? base.pollInterval : atLeast100ms(n.get("poll_interval")));
    if (c.walltime != null && c.drain != null && c.drain.compareTo(c.walltime) >= 0) {
      throw (d != null ? d : w).error("drain (" + c.drain.toSeconds() + "s) must be shorter than "
          + walltimeKey + " (" + c.walltime.toMinutes() + " min): the worker would be told to leave"
          + " before it started");
    }
    return c;
  }

  /**
   * When a job's worker drains by its own clock ({@code --drain-after}): the walltime less the
   * drain, or null without a walltime (the site's default is unknown here) or under a second.
   */
  public Duration drainAfter() {
    if (walltime == null) {
      return null;
    }
    Duration after = walltime.minus(effectiveDrain());
    return after.toSeconds() >= 1 ? after : null;
  }

  /** {@code drain:}, or the default of a few minutes capped at half the walltime. */
  public Duration effectiveDrain() {
    if (drain != null) {
      return drain;
    }
    if (walltime != null && walltime.dividedBy(2).compareTo(DEFAULT_DRAIN) < 0) {
      return walltime.dividedBy(2);
    }
    return DEFAULT_DRAIN;
  }

  /**
   * A task whose blocks may run longer than its jobs live could never finish a block: that is a
   * config error, found here rather than after hours of retried blocks.
   */
  void checkTimeout(ConfigNode task, String section, String walltimeKey, Duration timeout)
      throws ConfigException {
    if (walltime != null && timeout != null && walltime.compareTo(timeout) < 0) {
      ConfigNode at = task.get("timeout") != null ? task.get("timeout") : task;
      throw at.error("the block timeout (" + timeout.toSeconds() + "s) is longer than " + section + "."
          + walltimeKey + " (" + walltime.toMinutes() + " min): a block could never finish in one job");
    }
  }

  /** A plain directive value (a queue, an account): letters, digits and {@code _.,:+-} only. */
  static String name(ConfigNode n, String key, String fallback) throws ConfigException {
    return matching(n, key, NAME_CHARS, fallback);
  }

  /** The value of {@code key}, which must match {@code regex} (nothing that could leave the line). */
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

  private static Duration atLeast100ms(ConfigNode n) throws ConfigException {
    Duration d = n.duration();
    if (d.toMillis() < 100) {
      throw n.error("must be at least 100ms");
    }
    return d;
  }
}
