package org.daisyjava.launcher.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run directory's document is replaced whole, and a failure to write it is a warning, not a crash. */
class DocumentFileTest {
  @TempDir
  Path dir;

  /** Keeps what is logged to {@code log} while the test runs. */
  private static List<LogRecord> capture(Logger log) {
    List<LogRecord> records = new ArrayList<>();
    log.addHandler(new Handler() {
      @Override
      public void publish(LogRecord r) {
        records.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
    log.setUseParentHandlers(false);
    return records;
  }

  @Test
  void aDocumentIsReplacedWholeWithNothingLeftBeside() throws Exception {
    Logger log = Logger.getLogger("DocumentFileTest.replaced");
    List<LogRecord> records = capture(log);
    Path status = dir.resolve("status.json");
    DocumentFile.replace(status, "{\"state\":\"running\"}\n", log);
    DocumentFile.replace(status, "{\"state\":\"finished\"}\n", log);
    assertEquals("{\"state\":\"finished\"}\n", Files.readString(status));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(status), files.toList());
    }
    assertEquals(List.of(), records);
  }

  @Test
  void aDocumentThatCannotBeWrittenIsAWarningThatNamesItAndSaysWhy() {
    Logger log = Logger.getLogger("DocumentFileTest.failed");
    List<LogRecord> records = capture(log);
    Path report = dir.resolve("gone/report.html");
    DocumentFile.replace(report, "<html></html>", log);
    assertEquals(1, records.size());
    LogRecord r = records.get(0);
    assertEquals(Level.WARNING, r.getLevel());
    assertTrue(r.getMessage().startsWith("cannot write " + report + ": No such file or directory"), r.getMessage());
    assertTrue(!Files.exists(report));
  }
}
