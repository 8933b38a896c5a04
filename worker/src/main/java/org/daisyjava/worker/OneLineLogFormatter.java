package org.daisyjava.worker;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One line per event, {@code 2025-06-01 12:00:00.123 WARNING worker 3: block 17 failed: ...}, so a
 * worker's log file reads (and greps) as a list of events. A stack trace, if any, follows it.
 */
final class OneLineLogFormatter extends Formatter {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  @Override
  public String format(LogRecord record) {
    StringBuilder line = new StringBuilder(128)
        .append(TIME.format(Instant.ofEpochMilli(record.getMillis())))
        .append(' ')
        .append(record.getLevel().getName())
        .append(' ')
        .append(formatMessage(record))
        .append(System.lineSeparator());
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      line.append(trace);
    }
    return line.toString();
  }
}
