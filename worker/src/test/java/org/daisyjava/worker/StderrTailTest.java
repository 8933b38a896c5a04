package org.daisyjava.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StderrTailTest {
  /** A hang guard only: each pump here has at most a few tens of megabytes to copy. */
  private static final Duration GUARD = Duration.ofMinutes(2);

  @Test
  void copiesEveryByteAndKeepsTheLastLines() throws Exception {
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      lines.add("line " + i);
      input.writeBytes(("line " + i + (i % 2 == 0 ? "\n" : "\r\n")).getBytes(StandardCharsets.UTF_8));
    }
    input.write(0xff); // not UTF-8: copied as it is
    input.writeBytes("\nno newline at the end".getBytes(StandardCharsets.UTF_8));
    lines.add("\ufffd");
    lines.add("no newline at the end");
    ByteArrayOutputStream log = new ByteArrayOutputStream();

    StderrTail tail = StderrTail.start(new ByteArrayInputStream(input.toByteArray()), log, "test-stderr");
    tail.awaitEnd(GUARD);

    assertArrayEquals(input.toByteArray(), log.toByteArray());
    assertEquals(String.join("\n", lines.subList(lines.size() - StderrTail.LINES, lines.size())),
        tail.text());
    assertEquals("it failed: " + tail.text(), tail.describe("it failed"));
  }

  @Test
  void aHugeLineIsPassedOnAsItComesAndKeptCut() throws Exception {
    CountingLog log = CountingLog.working();
    long size = 20L << 20;
    GeneratedOutput stderr = new GeneratedOutput("x", size, log::count);

    StderrTail tail = StderrTail.start(stderr, log, "test-stderr");
    tail.awaitEnd(GUARD);

    assertTrue(stderr.drained(), "read to the end");
    assertEquals(size, log.count(), "copied whole");
    assertTrue(stderr.mostAhead() <= 64 * 1024,
        "read " + stderr.mostAhead() + " bytes beyond what it passed on: it collects the line");
    assertEquals("x".repeat(StderrTail.LINE_LENGTH) + "...", tail.text());
  }

  @Test
  void aLogOnAFullDiskDoesNotStopTheDrainNorTheTail() throws Exception {
    GeneratedOutput stderr = new GeneratedOutput("disk full?\n", 400_000, () -> 0);

    StderrTail tail = StderrTail.start(stderr, CountingLog.full(), "test-stderr");
    tail.awaitEnd(GUARD);

    assertTrue(stderr.drained(), "the process's stderr is drained to its end");
    assertEquals(String.join("\n", java.util.Collections.nCopies(StderrTail.LINES, "disk full?")),
        tail.text());
  }

  @Test
  void nothingWrittenMeansNoTail() throws Exception {
    StderrTail tail =
        StderrTail.start(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), "test-stderr");
    tail.awaitEnd(GUARD);
    assertEquals("", tail.text());
    assertEquals("it failed", tail.describe("it failed"));
  }
}
