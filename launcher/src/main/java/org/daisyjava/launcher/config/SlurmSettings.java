package org.daisyjava.launcher.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code slurm:} section, and a task's {@code slurm:} overrides merged over it. Values that
 * go into {@code #SBATCH} lines are checked for characters that could escape the line.
 */
public record SlurmSettings(String partition, String account, String qos, String constraint, BatchCommon common)
    implements BatchSystemSettings {
  static final SlurmSettings DEFAULTS = new SlurmSettings(null, null, null, null, BatchCommon.DEFAULTS);
  public static final BatchSection<SlurmSettings> SECTION =
      new BatchSection<>("slurm", DEFAULTS, SlurmSettings::from);

  private static final String CONSTRAINT_CHARS = "[A-Za-z0-9_.,:+\\-&|\\[\\]*()!]+";
  /**
   * sbatch's {@code --time}: minutes, minutes:seconds, hours:minutes:seconds, days-hours,
   * days-hours:minutes, days-hours:minutes:seconds.
   */
  private static final Pattern TIME = Pattern.compile(
      "(?:(\\d{1,4})-)?(\\d{1,6})(?::(\\d{1,2}))?(?::(\\d{1,2}))?");
  static final Walltime.Notation WALLTIME_NOTATION = new Walltime.Notation(
      "time", "SLURM's [D-]HH:MM:SS", SlurmSettings::parseTime, SlurmSettings::formatTime);
  private static final String CPUS_KEY = "cpus_per_task";
  private static final Set<String> KEYS =
      BatchCommon.keys(WALLTIME_NOTATION, CPUS_KEY, "partition", "account", "qos", "constraint");

  /** Reads a {@code slurm:} mapping over {@code base}: keys present replace base's values. */
  static SlurmSettings from(ConfigNode n, SlurmSettings base, boolean perTask, Path configDir)
      throws ConfigException {
    n.allowOnly(KEYS);
    return new SlurmSettings(
        BatchCommon.name(n, "partition", base.partition),
        BatchCommon.name(n, "account", base.account),
        BatchCommon.name(n, "qos", base.qos),
        BatchCommon.matching(n, "constraint", CONSTRAINT_CHARS, base.constraint),
        BatchCommon.from(n, base.common, WALLTIME_NOTATION, CPUS_KEY, perTask, configDir));
  }

  @Override
  public Walltime.Notation walltimeNotation() {
    return WALLTIME_NOTATION;
  }

  /** {@code slurm.cpus_per_task}, or null. */
  public Integer cpusPerTask() {
    return common.cpus();
  }

  /** {@code --signal=B:USR1@<seconds>}: SLURM's warning time is at most 65535 s. */
  public long drainSeconds() {
    return Math.min(65535, Math.max(1, common.effectiveDrain().toSeconds()));
  }

  private static Duration parseTime(String v) {
    Matcher m = TIME.matcher(v);
    if (!m.matches()) {
      return null;
    }
    long days = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
    long a = Long.parseLong(m.group(2));
    long b = m.group(3) == null ? -1 : Long.parseLong(m.group(3));
    long c = m.group(4) == null ? -1 : Long.parseLong(m.group(4));
    if (m.group(1) != null) {
      // days-hours[:minutes[:seconds]]
      return Duration.ofDays(days).plusHours(a).plusMinutes(Math.max(0, b)).plusSeconds(Math.max(0, c));
    }
    if (c >= 0) {
      return Duration.ofHours(a).plusMinutes(b).plusSeconds(c); // hours:minutes:seconds
    }
    if (b >= 0) {
      return Duration.ofMinutes(a).plusSeconds(b); // minutes:seconds
    }
    return Duration.ofMinutes(a); // minutes
  }

  /** {@code HH:MM:SS}, or {@code D-HH:MM:SS} from one day on. */
  static String formatTime(Duration d) {
    long s = d.toSeconds();
    String hms = String.format("%02d:%02d:%02d", (s / 3600) % 24, (s / 60) % 60, s % 60);
    return s >= 86400 ? (s / 86400) + "-" + hms : hms;
  }
}
