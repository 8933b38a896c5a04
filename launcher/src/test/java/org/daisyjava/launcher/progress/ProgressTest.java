package org.daisyjava.launcher.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSnapshot;
import org.daisyjava.scheduler.state.TaskCounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress never floods a batch log, and status.json follows the run. */
class ProgressTest {
  private static ServerSnapshot snapshot(long completed, boolean finished) {
    TaskCounts a = new TaskCounts(100, completed, 0, 0, 0, 0, 2, 5, finished);
    TaskCounts b = new TaskCounts(50, 0, 0, 0, 0, 0, 0, 0, false);
    return new ServerSnapshot(System.nanoTime(), List.of(
        new TaskSnapshot("a", a, true, 2, 0, 0, null),
        new TaskSnapshot("b", b, false, 0, 0, 0, null)), List.of(), 0, false, false);
  }

  @Test
  void workersWithSeveralSlotsShowTheirSlotsInTheLineAndInStatusJson(@TempDir Path dir) throws Exception {
    TaskCounts a = new TaskCounts(100, 10, 0, 0, 0, 0, 8, 5, false);
    TaskCounts b = new TaskCounts(50, 0, 0, 0, 0, 0, 0, 0, false);
    ServerSnapshot s = new ServerSnapshot(System.nanoTime(), List.of(
        new TaskSnapshot("a", a, true, 2, 16, 0, 0, null),
        new TaskSnapshot("b", b, false, 1, 0, 0, null)), List.of(), 0, false, false);
    long[] now = {0};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Path status = dir.resolve("status.json");
    Progress p = new Progress(new PrintStream(out, true), false, false, Duration.ofMillis(100),
        status, t -> "", () -> now[0]);
    p.start(s);
    now[0] += 200_000_000L; // past the status interval: a line is due
    p.tick(s);
    String line = out.toString(StandardCharsets.UTF_8);
    assertTrue(line.contains("| a 10/100") && line.contains(" slots 16"), line);
    assertFalse(line.substring(line.indexOf("| b ")).contains("slots"), "one-slot workers: no slots shown: " + line);
    String json = Files.readString(status);
    assertTrue(json.contains("\"workers\":2,\"slots\":16"), json);
    assertTrue(json.contains("\"workers\":1,\"slots\":1"), json);
  }

  @Test
  void aBatchLogGetsOneLineAtMostPerStatusInterval(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long[] now = {0};
    Path status = dir.resolve("status.json");
    Progress p = new Progress(new PrintStream(out, true), false, false, Duration.ofMillis(100),
        status, t -> "2 workers", () -> now[0]);
    for (int tick = 0; tick < 450; tick++) { // 450 ticks 1 ms apart: many more ticks than lines
      p.tick(snapshot(tick, false));
      now[0] += 1_000_000;
    }
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(4, lines.length, "one line per 100 ms in 450 ms");
    for (String line : lines) {
      assertTrue(line.contains("| a ") && line.contains("| b 0/50"), line);
      assertTrue(!line.contains("\033"), "no terminal control codes in a log: " + line);
    }
    assertTrue(Files.readString(status).startsWith("{\"state\":\"running\""), Files.readString(status));
    p.finish(snapshot(100, true), "finished");
    String json = Files.readString(status);
    assertTrue(json.contains("\"state\":\"finished\"") && json.contains("\"completed\":100"), json);
  }

  @Test
  void statusJsonIsWrittenAtStartAndOnEveryChangeAtMostOnceASecond(@TempDir Path dir) throws Exception {
    long[] now = {0};
    Path status = dir.resolve("status.json");
    Progress p = new Progress(new PrintStream(new ByteArrayOutputStream(), true), false, true,
        Duration.ofHours(1), status, t -> "", () -> now[0]);
    p.start(snapshot(0, false));
    assertTrue(Files.readString(status).contains("\"completed\":0"), "written at start");
    assertTrue(Files.readString(status).contains("\"launcher\":{\"host\""), Files.readString(status));
    now[0] += 300_000_000L;
    p.tick(snapshot(5, false));
    assertTrue(Files.readString(status).contains("\"completed\":0"), "not again within a second");
    now[0] += 800_000_000L;
    p.tick(snapshot(5, false));
    assertTrue(Files.readString(status).contains("\"completed\":5"), "the change, a second later");
    Files.delete(status);
    now[0] += 5_000_000_000L;
    p.tick(snapshot(5, false));
    assertFalse(Files.exists(status), "no change, no write (until the status interval)");
    now[0] += 3_600_000_000_000L;
    p.tick(snapshot(5, false));
    assertTrue(Files.exists(status), "rewritten every status interval: the launcher is alive");
    p.finish(snapshot(7, false), RunState.FAILED, "sbatch: error: invalid partition specified: gpu");
    String json = Files.readString(status);
    assertTrue(json.startsWith("{\"state\":\"failed\",\"reason\":\"sbatch: error: invalid partition"),
        json);
  }

  @Test
  void aTerminalGetsOneLiveLinePerTaskRedrawnInPlace() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Progress p = new Progress(new PrintStream(out, true), true, false, Duration.ofHours(1), null, t -> "");
    p.finish(snapshot(10, false), "running");
    p.finish(snapshot(20, false), "running");
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(4, text.split("\033\\[K\n", -1).length - 1, "two redraws of two lines: " + text);
    assertTrue(text.contains("\033[2A"), "the second redraw moves up over the first");
    assertTrue(text.contains("a 20/100  20%"), text);
  }

  @Test
  void quietShowsNothing() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Progress p = new Progress(new PrintStream(out, true), false, true, Duration.ofMillis(1), null, t -> "");
    for (int i = 0; i < 50; i++) {
      p.tick(snapshot(i, false));
    }
    p.finish(snapshot(100, true), "finished");
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }
}
