package org.daisyjava.launcher.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code lsf:} section, and a task's {@code lsf:} overrides merged over it. Values that go
 * into {@code #BSUB} lines are checked for characters that could escape the line; memory keeps
 * its unit, because LSF reads a bare number in {@code LSF_UNIT_FOR_LIMITS} (KB unless the site
 * changed it).
 */
public record LsfSettings(String queue, String project, BatchCommon common) implements BatchSystemSettings {
  static final LsfSettings DEFAULTS = new LsfSettings(null, null, BatchCommon.DEFAULTS);
  public static final BatchSection<LsfSettings> SECTION =
      new BatchSection<>("lsf", DEFAULTS, LsfSettings::from);

  /** A size in bytes: {@code 1024} or {@code 1024B}. */
  private static final Pattern BYTES = Pattern.compile("(\\d{1,15})B?");
  /** bsub's {@code -W [hour:]minute}; minutes may exceed 59. */
  private static final Pattern WALLTIME = Pattern.compile("(?:(\\d{1,6}):)?(\\d{1,6})");
  static final Walltime.Notation WALLTIME_NOTATION = new Walltime.Notation(
      "walltime", "LSF's [HH:]MM", LsfSettings::parseWalltime, LsfSettings::formatMinutes);
  private static final String CPUS_KEY = "cores";
  private static final Set<String> KEYS = BatchCommon.keys(WALLTIME_NOTATION, CPUS_KEY, "queue", "project");

  static LsfSettings from(ConfigNode n, LsfSettings base, boolean perTask, Path configDir)
      throws ConfigException {
    n.allowOnly(KEYS);
    String queue = BatchCommon.name(n, "queue", base.queue);
    String project = BatchCommon.name(n, "project", base.project);
    return new LsfSettings(queue, project,
        BatchCommon.from(n, base.common, WALLTIME_NOTATION, CPUS_KEY, perTask, configDir));
  }

  @Override
  public Walltime.Notation walltimeNotation() {
    return WALLTIME_NOTATION;
  }

  /** {@code lsf.cores}, or null. */
  public Integer cores() {
    return common.cpus();
  }

  /** {@code -wt}: LSF's warning time is in minutes; at least one. */
  public String drainDirective() {
    long s = common.effectiveDrain().toSeconds();
    return formatMinutes(Duration.ofMinutes(Math.max(1, (s + 59) / 60)));
  }

  /**
   * The memory with a unit LSF reads unambiguously: {@code 16G} becomes {@code 16GB}; bytes (a bare
   * number or {@code B}, as the project's sizes allow) are written in KB, rounded up.
   */
  public String memWithUnit() {
    String mem = common.mem();
    if (mem == null) {
      return null;
    }
    Matcher bytes = BYTES.matcher(mem);
    if (bytes.matches()) {
      return (Long.parseLong(bytes.group(1)) + 1023) / 1024 + "KB";
    }
    return mem.endsWith("B") ? mem : mem + "B";
  }

  private static Duration parseWalltime(String v) {
    Matcher m = WALLTIME.matcher(v);
    if (!m.matches()) {
      return null;
    }
    long hours = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
    return Duration.ofHours(hours).plusMinutes(Long.parseLong(m.group(2)));
  }

  /** {@code H:MM}: whole minutes (rounded up by the reader). */
  static String formatMinutes(Duration d) {
    long m = d.toMinutes();
    return (m / 60) + ":" + String.format("%02d", m % 60);
  }
}
