package org.daisyjava.launcher.config;

import java.time.Duration;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job's walltime as one batch system writes it. The config may give it as a project duration
 * ({@code 90m}, {@code 2h}) or in the batch system's own notation; either way it is kept as a
 * {@link Duration} and written back in the notation the batch system's directive expects, so a
 * typo is caught here (with the expected forms in the message), not by {@code sbatch}/{@code bsub}
 * after the run has started.
 */
public final class Walltime {
  private static final Pattern PROJECT = Pattern.compile("(\\d+)(s|m|h|d)");

  /**
   * A batch system's walltime: the section's key for it ({@code time}, {@code walltime}), the
   * notation's description for messages, a parser (null if no match) and how the directive writes
   * a walltime back.
   */
  public record Notation(String key, String description, Function<String, Duration> parse,
      Function<Duration, String> format) {}

  private Walltime() {}

  /**
   * Reads {@code n} in the project's units or in {@code notation}; whole minutes, at least one
   * (both batch systems count whole minutes).
   */
  static Duration read(ConfigNode n, Notation notation) throws ConfigException {
    String v = n.string().trim();
    Duration d = project(v);
    if (d == null) {
      d = notation.parse().apply(v);
    }
    if (d == null) {
      throw n.error("expected a duration like 90m or 2h, or " + notation.description() + ", got '" + v + "'");
    }
    if (d.toMinutes() < 1) {
      throw n.error("must be at least 1 minute (batch systems count whole minutes), got '" + v + "'");
    }
    if (d.toDays() > 365) {
      throw n.error("more than a year is not a walltime: '" + v + "'");
    }
    // round up to whole minutes: what the batch system will grant anyway
    long minutes = d.toSeconds() % 60 == 0 ? d.toMinutes() : d.toMinutes() + 1;
    return Duration.ofMinutes(minutes);
  }

  private static Duration project(String v) {
    Matcher m = PROJECT.matcher(v);
    if (!m.matches() || m.group(1).length() > 9) {
      return null;
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }
}
