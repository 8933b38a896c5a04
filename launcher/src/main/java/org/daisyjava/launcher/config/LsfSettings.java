package org.daisyjava.launcher.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code lsf:} section, and a task's {@code lsf:} overrides merged over it. Values that go
 * into {@code #BSUB} lines are checked for characters that could escape the line; memory keeps
 * its unit, because LSF reads a bare number in {@code LSF_UNIT_FOR_LIMITS} (KB unless the site
 * changed it).
 */
public record LsfSettings(
    String queue,
    String project,
    String mem,
    Integer cores,
    Integer gpus,
    BatchCommon common) implements BatchSystemSettings {

  static final LsfSettings DEFAULTS = new LsfSettings(null, null, null, null, null, BatchCommon.DEFAULTS);
  public static final BatchSection<LsfSettings> SECTION =
      new BatchSection<>("lsf", DEFAULTS, LsfSettings::from);

  private static final Set<String> KEYS = keys();
  /** bsub's {@code -W [hour:]minute}; minutes may exceed 59. */
  /** A size in bytes: {@code 1024} or {@code 1024B}. */
  private static final Pattern BYTES = Pattern.compile("(\\d{1,15})B?");
  private static final Pattern WALLTIME = Pattern.compile("(?:(\\d{1,6}):)?(\\d{1,6})");
  static final Walltime.Notation NOTATION = new Walltime.Notation(
      "LSF's [HH:]MM", LsfSettings::parseWalltime);

  private static Set<String> keys() {
    Set<String> k = new HashSet<>(BatchCommon.KEYS);
    k.addAll(Set.of("queue", "project", "walltime", "mem", "cores", "gpus"));
    return Set.copyOf(k);
  }

  static LsfSettings from(ConfigNode n, LsfSettings base, boolean perTask, Path configDir)
      throws ConfigException {
    n.allowOnly(KEYS);
    return new LsfSettings(
        BatchCommon.name(n, "queue", base.queue),
        BatchCommon.name(n, "project", base.project),
        n.get("mem") == null ? base.mem : n.get("mem").size(),
        n.get("cores") == null ? base.cores : Integer.valueOf(n.get("cores").intValue(1, 100_000)),
        n.get("gpus") == null ? base.gpus : Integer.valueOf(n.get("gpus").intValue(0, 1024)),
        BatchCommon.from(n, base.common, "walltime", NOTATION, perTask, configDir));
  }

  @Override
  public String walltimeKey() {
    return "walltime";
  }

  @Override
  public String walltimeDirective() {
    return common.walltime() == null ? null : formatMinutes(common.walltime());
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

  @Override
  public Integer cpus() {
    return cores;
  }
}
