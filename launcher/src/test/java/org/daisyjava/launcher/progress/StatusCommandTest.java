package org.daisyjava.launcher.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code daisy-launch status} reads a run directory and exits with the run's code. */
class StatusCommandTest {
  @TempDir Path dir;

  private static final String TASKS = "\"tasks\":{\"a\":{\"total\":10,\"completed\":%d,\"skipped\":0,"
      + "\"failed\":%d,\"orphaned\":0,\"retries\":1}}";

  private record Result(int code, String out, String err) {}

  private Result status(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = StatusCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), false);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private void write(String file, String state, String extra, int completed, int failed) throws Exception {
    Files.writeString(dir.resolve(file), "{\"state\":\"" + state + "\"" + extra + ","
        + TASKS.formatted(completed, failed) + "}");
  }

  @Test
  void theExitCodeIsTheRunsAndTheTableShowsTheCounts() throws Exception {
    write("summary.json", "finished", "", 10, 0);
    Result done = status(dir.toString());
    assertEquals(0, done.code);
    assertTrue(done.out.startsWith("run " + dir + ": finished"), done.out);
    assertTrue(done.out.lines().anyMatch(l -> l.matches("\\s+a\\s+10\\s+10\\s+100\\.0%\\s+0\\s+0\\s+0\\s+1\\s*")),
        done.out);

    write("summary.json", "finished", "", 7, 3);
    assertEquals(1, status(dir.toString()).code, "blocks failed");
    write("summary.json", "failed", ",\"reason\":\"sbatch: invalid partition\"", 0, 0);
    Result failed = status(dir.toString());
    assertEquals(3, failed.code);
    assertTrue(failed.out.contains("failed: sbatch: invalid partition"), failed.out);
    write("summary.json", "interrupted", "", 4, 0);
    assertEquals(130, status(dir.toString()).code);
  }

  @Test
  void statusJsonWinsOverSummaryAndARunningRunExitsZero() throws Exception {
    write("summary.json", "finished", "", 10, 0);
    write("status.json", "running", ",\"launcher\":{\"host\":\"" + LauncherIdentity.host()
        + "\",\"pid\":" + ProcessHandle.current().pid() + "}", 3, 0);
    Result r = status(dir.toString());
    assertEquals(0, r.code, r.out);
    assertTrue(r.out.contains(": running"), r.out);
  }

  @Test
  void aRunningRunWhoseLauncherIsGoneIsSaidToBeSoAndExits130() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    write("status.json", "running", ",\"launcher\":{\"host\":\"" + LauncherIdentity.host()
        + "\",\"pid\":" + gone.pid() + "}", 3, 0);
    Result r = status(dir.toString(), "--watch");
    assertEquals(130, r.code, r.out);
    assertTrue(r.out.contains("its launcher is gone"), r.out);
    assertTrue(r.out.contains("--resume"), r.out);
  }

  @Test
  void watchFollowsTheRunUntilItEndsWithALinePerChange() throws Exception {
    write("status.json", "running", "", 2, 0);
    Thread runner = new Thread(() -> {
      try {
        Thread.sleep(700);
        write("status.json", "running", "", 6, 0);
        Thread.sleep(700);
        write("status.json", "finished", "", 10, 0);
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    runner.start();
    Result r = status("--watch", dir.toString());
    runner.join();
    assertEquals(0, r.code, r.out);
    assertTrue(r.out.contains("running | a 2/10"), r.out);
    assertTrue(r.out.contains("finished | a 10/10"), r.out);
    assertEquals(1, r.out.lines().filter(l -> l.endsWith("running | a 2/10")).count(),
        "a line per change, not per poll: " + r.out);
  }

  @Test
  void noRunThereIsAUsageError() {
    Result r = status(dir.resolve("nothing").toString());
    assertEquals(2, r.code);
    assertTrue(r.err.contains("no run in"), r.err);
    assertEquals(2, status("--bogus").code);
  }
}
