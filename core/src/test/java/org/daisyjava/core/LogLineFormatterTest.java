package org.daisyjava.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import java.util.TimeZone;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** The hand-made timestamp against java.time's, in zones with and without summer time. */
class LogLineFormatterTest {
  private static final DateTimeFormatter PATTERN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

  private static String time(String zone, long millis) {
    StringBuilder out = new StringBuilder();
    new LogLineFormatter(TimeZone.getTimeZone(zone)).appendTime(out, millis);
    return out.toString();
  }

  @Test
  void randomInstantsInManyZonesReadAsJavaTimeReadsThem() {
    Random random = new Random(20261201);
    String[] zones = {"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
        "Pacific/Kiritimati", "America/St_Johns", "Pacific/Pago_Pago"};
    long from = Instant.parse("1970-01-01T00:00:00Z").toEpochMilli();
    long to = Instant.parse("2100-12-31T23:59:59.999Z").toEpochMilli();
    for (String zone : zones) {
      DateTimeFormatter expected = PATTERN.withZone(ZoneId.of(zone));
      for (int i = 0; i < 20_000; i++) {
        long millis = from + (long) (random.nextDouble() * (to - from));
        assertEquals(expected.format(Instant.ofEpochMilli(millis)), time(zone, millis), zone + " " + millis);
      }
    }
  }

  @Test
  void leapDaysYearEndsAndTheEpochEdge() {
    DateTimeFormatter utc = PATTERN.withZone(ZoneId.of("UTC"));
    for (String instant : new String[] {"2000-02-29T23:59:59.999Z", "2000-03-01T00:00:00Z", "2100-02-28T12:00:00Z",
        "2100-03-01T00:00:00Z", "2024-12-31T23:59:59.999Z", "2025-01-01T00:00:00.001Z", "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59.999Z", "1900-03-01T00:00:00Z"}) {
      long millis = Instant.parse(instant).toEpochMilli();
      assertEquals(utc.format(Instant.ofEpochMilli(millis)), time("UTC", millis), instant);
    }
  }

  @Test
  void aRecordIsOneLineWithLevelAndMessageAndItsTraceAfterIt() {
    LogRecord record = new LogRecord(Level.WARNING, "block {0} failed");
    record.setParameters(new Object[] {17});
    record.setInstant(Instant.parse("2026-06-01T12:00:00.123Z"));
    record.setThrown(new IllegalStateException("boom"));
    String text = new LogLineFormatter(TimeZone.getTimeZone("UTC")).format(record);
    String[] lines = text.split(System.lineSeparator());
    assertEquals("2026-06-01 12:00:00.123 WARNING block 17 failed", lines[0]);
    assertTrue(lines[1].startsWith("java.lang.IllegalStateException: boom"), text);
  }
}
