package org.daisyjava.core;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way the project writes durations, in config keys ({@code timeout: 10m}) and in command
 * line options ({@code daisy-worker --connect-timeout 90s}) alike: a number, possibly with a
 * fraction, and a unit — {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} — as in
 * {@code 500ms}, {@code 1.5s}, {@code 10m}, {@code 2h}. The unit is required: a bare {@code 30}
 * might mean seconds or minutes, and a wrong guess would be silent.
 */
public final class DurationText {
  /** What an error message says is expected. */
  public static final String EXPECTED = "a duration such as 500ms, 30s, 10m or 2h";
  private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");
  /** About 300 years: beyond that a duration is a typo. */
  private static final double MAX_MILLIS = 1e13;

  private DurationText() {}

  /**
   * Parses {@code text} (surrounding blanks ignored), rounded to whole milliseconds.
   *
   * @throws IllegalArgumentException saying what is expected, if it is not such a duration
   */
  public static Duration parse(String text) {
    String v = text == null ? "" : text.trim();
    Matcher m = FORMAT.matcher(v);
    if (!m.matches()) {
      throw new IllegalArgumentException("expected " + EXPECTED + ", got '" + v + "'");
    }
    double amount = Double.parseDouble(m.group(1));
    double millis = switch (m.group(2)) {
      case "ms" -> amount;
      case "s" -> amount * 1e3;
      case "m" -> amount * 60e3;
      case "h" -> amount * 3600e3;
      default -> amount * 86400e3;
    };
    if (millis > MAX_MILLIS) {
      throw new IllegalArgumentException("duration too long: '" + v + "'");
    }
    return Duration.ofMillis(Math.round(millis));
  }
}
