package org.daisyjava.core;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.TimeZone;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One line per log record, {@code 2026-06-01 12:00:00.123 WARNING worker 3: block 17 failed: ...},
 * in the machine's local time, so that a log file reads (and greps) as a list of events; a stack
 * trace, if any, follows. The launcher's and the workers' logs use it.
 *
 * <p>Why the date is computed here rather than by {@code java.time} or {@code SimpleFormatter}:
 * the first of those formats in a JVM loads the locale data and the formatter machinery, 15 ms
 * (DateTimeFormatter) to 40 ms (SimpleFormatter, which also formats a date once when it is made, to
 * check its pattern), measured on a cold JVM here; the launcher and every worker pay that at start,
 * before their first block. The civil date follows from the day number by the usual
 * era-of-400-years arithmetic (proleptic Gregorian, as java.time).
 */
public final class LogLineFormatter extends Formatter {
  private final TimeZone zone;

  /** In the JVM's default time zone. */
  public LogLineFormatter() {
    this(TimeZone.getDefault());
  }

  LogLineFormatter(TimeZone zone) {
    this.zone = zone;
  }

  @Override
  public String format(LogRecord record) {
    StringBuilder line = new StringBuilder(128);
    appendTime(line, record.getMillis());
    line.append(' ').append(record.getLevel().getName()).append(' ').append(formatMessage(record))
        .append(System.lineSeparator());
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      line.append(trace);
    }
    return line.toString();
  }

  /** {@code yyyy-MM-dd HH:mm:ss.SSS} of {@code epochMillis} in this formatter's zone. */
  void appendTime(StringBuilder out, long epochMillis) {
    long local = epochMillis + zone.getOffset(epochMillis);
    long days = Math.floorDiv(local, 86_400_000L);
    long millisOfDay = Math.floorMod(local, 86_400_000L);
    // days since 0000-03-01, so that a leap day is the last day of its year
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long monthFromMarch = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * monthFromMarch + 2) / 5 + 1);
    int month = (int) (monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9);
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    pad(out, year, 4).append('-');
    pad(out, month, 2).append('-');
    pad(out, day, 2).append(' ');
    pad(out, millisOfDay / 3_600_000, 2).append(':');
    pad(out, millisOfDay / 60_000 % 60, 2).append(':');
    pad(out, millisOfDay / 1000 % 60, 2).append('.');
    pad(out, millisOfDay % 1000, 3);
  }

  private static StringBuilder pad(StringBuilder out, long value, int width) {
    String digits = Long.toString(value);
    for (int i = digits.length(); i < width; i++) {
      out.append('0');
    }
    return out.append(digits);
  }
}
