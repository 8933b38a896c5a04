package org.daisyjava.launcher.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
  void aBatchLogGetsOneLineAtMostPerStatusInterval(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Duration interval = Duration.ofMillis(100);
    Path status = dir.resolve("status.json");
    Progress p = new Progress(new PrintStream(out, true), false, false, interval, status, t -> "2 workers");
    long start = System.nanoTime();
    int ticks = 0;
    while (System.nanoTime() - start < Duration.ofMillis(450).toNanos()) {
      p.tick(snapshot(ticks, false)); // many more ticks than lines
      ticks++;
      Thread.sleep(2);
    }
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertTrue(ticks > 20, "ticks " + ticks);
    assertTrue(lines.length >= 1 && lines.length <= elapsedMillis / interval.toMillis() + 1,
        lines.length + " lines in " + elapsedMillis + " ms");
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
