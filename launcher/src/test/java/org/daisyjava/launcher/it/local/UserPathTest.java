package org.daisyjava.launcher.it.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.daisyjava.launcher.Main;
import org.daisyjava.launcher.it.local.LaunchHarness.Finished;
import org.daisyjava.launcher.it.local.LaunchHarness.Launched;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The new user's path with real launcher and worker processes: a Python stream worker that prints
 * and imports a noisy library, code that cannot run anywhere failing its task at once, a task
 * whose blocks all fail given up after max_failures, failures that say where, status.json from the
 * first second, and {@code daisy-launch status} from another "terminal".
 */
@Timeout(300)
class UserPathTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  Path dir;

  private Path runDir() {
    return dir.resolve("run");
  }

  private Path config(String tasks) throws Exception {
    Path config = dir.resolve("user.yaml");
    Files.writeString(config, """
        name: user
        run_dir: %s
        scheduler: {heartbeat_interval: 200ms, heartbeat_liveness: 10, status_interval: 30s}
        worker: {jvm_options: %s}
        tasks:
        %s""".formatted(runDir(), LaunchHarness.WORKER_JVM_OPTIONS, tasks));
    return config;
  }

  /** A task of 7 x 7 blocks; {@code options} are further keys, one per line. */
  private static String task(String name, String upstream, String... options) {
    StringBuilder b = new StringBuilder("""
          - name: %s
            total_roi: {offset: [0, 0], shape: [80, 80]}
            read_roi: {offset: [-5, -5], shape: [20, 20]}
            write_roi: {offset: [0, 0], shape: [10, 10]}
            upstream: [%s]
        """.formatted(name, upstream));
    for (String o : options) {
      b.append("    ").append(o).append('\n');
    }
    return b.toString();
  }

  @Test
  void aPythonStreamWorkerThatPrintsAndImportsANoisyLibraryCompletesEveryBlock() throws Exception {
    Files.writeString(dir.resolve("noisy_lib.py"), """
        import os
        print("noisy_lib: imported")
        os.write(1, b"noisy_lib: fd 1 at import, no newline")
        """);
    Path script = Files.writeString(dir.resolve("gauss.py"), """
        import os, sys
        import noisy_lib
        import daisy_stream

        def process(block):
            assert os.environ["GAUSS_SIGMA"] == "2", "the task's env reaches its worker"
            print("gauss: block", block.block_id, block.write_roi.to_slices())
            print("gauss: a warning on stderr", file=sys.stderr)
            if block.attempt == 1 and block.block_id % 7 == 3:
                raise RuntimeError("transient trouble in block %d" % block.block_id)

        daisy_stream.serve(process)
        """);
    Path config = config(task("gauss", "", "num_workers: 2", "max_retries: 1",
        "env: {GAUSS_SIGMA: \"2\"}",
        "process: {stream: \"cd %s && exec python3 %s\"}".formatted(dir, script)));
    Finished f = LaunchHarness.run(dir, config.toString());
    assertEquals(0, f.exitCode(), f.output());
    JsonNode gauss = LaunchHarness.summary(runDir()).get("tasks").get("gauss");
    assertEquals(gauss.get("total").asLong(), gauss.get("completed").asLong());
    assertTrue(gauss.get("retries").asLong() > 0, "the raising blocks were retried: " + gauss);
    String logs = workerLogs("gauss");
    for (String expected : List.of("noisy_lib: imported", "noisy_lib: fd 1 at import, no newline",
        "gauss: block 0", "gauss: a warning on stderr", "RuntimeError: transient trouble in block 3")) {
      assertTrue(logs.contains(expected), "'" + expected + "' in the worker logs:\n" + logs);
    }
  }

  @Test
  void aCommandThatIsNotFoundFailsItsTaskAtOnceAndOrphansTheDownstream() throws Exception {
    Path tries = dir.resolve("tries");
    Path config = config(task("a", "", "num_workers: 2",
        "process: {command: \"echo $DAISY_BLOCK_ID >> %s; no-such-tool-daisy --block $DAISY_BLOCK_ID\"}"
            .formatted(tries))
        + task("b", "a", "process: {command: 'true'}"));
    Finished f = LaunchHarness.run(dir, config.toString());
    assertEquals(1, f.exitCode(), f.output());
    JsonNode summary = LaunchHarness.summary(runDir());
    JsonNode a = summary.get("tasks").get("a");
    JsonNode b = summary.get("tasks").get("b");
    assertEquals(0, a.get("completed").asLong());
    assertEquals(a.get("total").asLong(), a.get("failed").asLong());
    assertEquals(b.get("total").asLong(), b.get("orphaned").asLong());
    long tried = Files.readAllLines(tries).size();
    assertTrue(tried < a.get("total").asLong() / 2,
        "the task failed at once, not block by block: " + tried + " of " + a.get("total") + " tried");
    assertTrue(f.stdout().contains("task a was given up: its code cannot run on any worker"), f.output());
    assertTrue(f.stdout().contains("command not found"), f.output());
  }

  @Test
  void aTaskWhoseBlocksAllFailIsGivenUpAfterMaxFailuresAndTheFailureSaysWhere() throws Exception {
    Path tries = dir.resolve("tries");
    Path config = config(task("a", "", "max_retries: 0", "max_failures: 2",
        "process: {command: \"echo $DAISY_BLOCK_ID >> %s; echo 'cannot read input' >&2; exit 1\"}"
            .formatted(tries))
        + task("b", "a", "process: {command: 'true'}"));
    Finished f = LaunchHarness.run(dir, config.toString());
    assertEquals(1, f.exitCode(), f.output());
    JsonNode summary = LaunchHarness.summary(runDir());
    JsonNode a = summary.get("tasks").get("a");
    long tried = Files.readAllLines(tries).size();
    assertTrue(tried < a.get("total").asLong() / 2, tried + " of " + a.get("total") + " tried");
    assertEquals(summary.get("tasks").get("b").get("total").asLong(),
        summary.get("tasks").get("b").get("orphaned").asLong());
    assertTrue(f.stdout().contains("task a was given up: gave up on task a: 3 blocks failed for good,"
        + " more than max_failures (2)"), f.output());
    // every failure names task, block id, write ROI and the worker's log, and the log exists
    JsonNode first = summary.get("failures").get(0);
    long id = first.get("block_id").asLong();
    assertTrue(first.get("write_roi").get("offset").isArray(), first.toString());
    assertTrue(f.stdout().contains("task a, block " + id + ", write ROI offset ("), f.output());
    String worker = first.get("worker").asText();
    String log = worker.substring(worker.indexOf("log ") + 4);
    assertTrue(Files.readString(Path.of(log)).contains("cannot read input"), worker);
  }

  @Test
  void statusJsonIsThereFromTheFirstSecondAndStatusShowsTheRunFromAnotherTerminal() throws Exception {
    Path release = dir.resolve("release");
    Path config = config(task("slow", "", "num_workers: 1",
        "process: {command: \"while [ ! -e %s ]; do sleep 0.05; done\"}".formatted(release)));
    Launched launcher = LaunchHarness.start(dir, config.toString());
    Path status = runDir().resolve("status.json");
    assertTrue(launcher.awaitWhileRunning(() -> Files.exists(status)));
    assertTrue(launcher.isAlive(), "status.json exists before any block is done (status_interval 30s)");
    JsonNode early = JSON.readTree(status.toFile());
    assertEquals("running", early.get("state").asText());
    assertEquals(0, early.get("tasks").get("slow").get("completed").asLong());

    Result running = status(runDir().toString());
    assertEquals(0, running.code, running.out);
    assertTrue(running.out.contains("run " + runDir() + ": running"), running.out);
    assertTrue(running.out.lines().anyMatch(l -> l.trim().startsWith("slow")), running.out);
    Result byConfig = status(config.toString());
    assertTrue(byConfig.out.contains(": running"), "a config names its run_dir: " + byConfig.out);

    Thread opener = new Thread(() -> {
      try {
        Thread.sleep(300);
        Files.createFile(release);
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    opener.start();
    Result watched = status(runDir().toString(), "--watch");
    opener.join();
    assertEquals(0, watched.code, watched.out);
    assertTrue(watched.out.lines().anyMatch(l -> l.contains(" running | slow ")), watched.out);
    assertTrue(watched.out.lines().anyMatch(l -> l.contains(" finished | slow ")), watched.out);
    Finished f = launcher.await();
    assertEquals(0, f.exitCode(), f.output());
    assertEquals(0, status(runDir().toString()).code);
  }

  private record Result(int code, String out) {}

  private static Result status(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String[] argv = Stream.concat(Stream.of("status"), Stream.of(args)).toArray(String[]::new);
    int code = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8));
  }

  private String workerLogs(String task) throws Exception {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.list(runDir().resolve("logs").resolve(task))) {
      for (Path p : files.sorted().toList()) {
        all.append(Files.readString(p));
      }
    }
    assertFalse(all.toString().contains("@daisy"), "answers stay on their channel");
    return all.toString();
  }
}
