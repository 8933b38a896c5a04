package org.daisyjava.launcher.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Cluster commands as child processes: output, exit code, input, and the ways they go wrong. */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class LocalCommandRunnerTest {
  private final LocalCommandRunner runner = new LocalCommandRunner();
  private static final Duration LONG = Duration.ofMinutes(2);

  @Test
  void exitCodeAndBothStreamsAreCaptured() throws IOException {
    CommandRunner.Result r = runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), null, LONG);
    assertEquals(new CommandRunner.Result(3, "out\n", "err\n"), r);
    assertEquals("err", r.message());
    assertEquals("out", new CommandRunner.Result(1, "out\n", " \n").message(), "stdout when stderr is empty");
  }

  @Test
  void standardInputIsPassed() throws IOException {
    assertEquals("#!/bin/bash\necho hi\n", runner.run(List.of("cat"), "#!/bin/bash\necho hi\n", LONG).stdout());
  }

  /** A megabyte on stderr before anything on stdout must not block the command (pipes hold ~64 KB). */
  @Test
  void bigOutputOnBothStreamsDoesNotBlock() throws IOException {
    CommandRunner.Result r = runner.run(List.of("sh", "-c",
        "head -c 1000000 /dev/zero | tr '\\0' e >&2; head -c 1000000 /dev/zero | tr '\\0' o"), null, LONG);
    assertTrue(r.ok(), r.stderr().length() + " " + r.stdout().length());
    assertEquals(1_000_000, r.stdout().length());
    assertEquals(1_000_000, r.stderr().length());
  }

  @Test
  void aMissingCommandIsAnIOException() {
    IOException e = assertThrows(IOException.class,
        () -> runner.run(List.of("/nonexistent/sbatch", "--parsable"), null, LONG));
    assertTrue(e.getMessage().contains("/nonexistent/sbatch"), e.getMessage());
  }

  @Test
  void aCommandThatDoesNotFinishInTimeIsKilledAndAnIOException() throws Exception {
    IOException e = assertThrows(IOException.class,
        () -> runner.run(List.of("sleep", "600"), null, Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("did not finish within 1 s"), e.getMessage());
  }

  /**
   * A command that leaves a child holding its output open still returns while the child runs on.
   * Two outcomes are legitimate: the JDK may close the pipe when {@code sh} exits (the output is
   * then complete), or the read waits and the runner gives up with "output did not end". What
   * must never happen is waiting for the child: it is still alive when {@code run} returns.
   */
  @Test
  void aChildHoldingThePipeOpenDoesNotHangTheLauncher(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("child.pid");
    String script = "sleep 600 & echo $! > '" + pidFile + "'; echo started";
    String outcome;
    try {
      CommandRunner.Result r = runner.run(List.of("sh", "-c", script), null, Duration.ofSeconds(1));
      assertEquals("started\n", r.stdout());
      outcome = "returned";
    } catch (IOException e) {
      assertTrue(e.getMessage().contains("output did not end"), e.getMessage());
      outcome = "gave up on the output";
    }
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    ProcessHandle child = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("the child is gone"));
    try {
      assertTrue(child.isAlive(), "run waited for the child to end (" + outcome + ")");
    } finally {
      child.destroyForcibly();
    }
  }
}
