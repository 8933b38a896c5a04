package org.daisyjava.launcher.it.local;

import static org.daisyjava.launcher.it.local.LaunchHarness.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.daisyjava.launcher.it.local.LaunchHarness.Finished;
import org.daisyjava.launcher.it.local.LaunchHarness.Launched;
import org.daisyjava.launcher.it.local.LaunchHarness.PlannedBlock;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers the user starts: with {@code --backend external} the launcher starts none, prints each
 * task's worker command, and the run completes once workers started from that printed line (by
 * this test, as a user would paste it into a shell) have done the blocks. A worker on another
 * host is known by what it reports. A task nobody serves keeps the run waiting until SIGTERM
 * (exit 130).
 */
@Timeout(300)
class ExternalWorkersTest {
  @TempDir Path dir;

  private Path config(String name, String backendLine, int numWorkers, String command) throws IOException {
    Path config = dir.resolve(name + ".yaml");
    Files.writeString(config, """
        name: %s
        run_dir: %s
        %s
        scheduler: {heartbeat_interval: 200ms, heartbeat_liveness: 25, status_interval: 200ms, host: [127.0.0.1]}
        worker: {jvm_options: %s}
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [100]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            num_workers: %d
            process: {command: %s}
        """.formatted(name, dir.resolve(name), backendLine, LaunchHarness.WORKER_JVM_OPTIONS, numWorkers,
        yaml(command)));
    return config;
  }

  /** The printed java line of task {@code task} (the one after the daisy-worker line), once it is there. */
  private static String printedJavaLine(Launched launcher, String task) throws InterruptedException {
    String[] found = {null};
    launcher.awaitWhileRunning(() -> {
      List<String> lines = List.of(launcher.stdout().split("\n"));
      for (int i = 0; i + 3 < lines.size(); i++) {
        if (lines.get(i).startsWith("daisy-launch: task " + task + ": each worker")
            && lines.get(i + 1).trim().startsWith("daisy-worker ")
            && lines.get(i + 1).contains("--task " + task)) {
          found[0] = lines.get(i + 3).trim();
          return true;
        }
      }
      return false;
    });
    assertTrue(found[0] != null, "no worker command printed:\n" + launcher.stdout());
    return found[0];
  }

  @Test
  void workersStartedFromThePrintedCommandFinishTheRun() throws Exception {
    Path blockLog = dir.resolve("blocks.log");
    // a block ends only once both workers have started one (marker files by worker id): so both
    // must connect and serve, and neither comes too late to find the run still there
    Path markers = Files.createDirectories(dir.resolve("markers"));
    Path config = config("ext", "backend: local", 1,
        "touch \"" + markers + "/$DAISY_WORKER_ID\"; i=0; while [ $(ls \"" + markers + "\" | wc -l) -lt 2 ];"
            + " do sleep 0.02; i=$((i+1)); if [ $i -gt 6000 ]; then exit 9; fi; done; "
            + "echo \"$DAISY_WRITE_OFFSET $DAISY_WORKER_ID\" >> \"" + blockLog + "\"");
    Map<String, PlannedBlock> plan = LaunchHarness.plan(config);
    Launched launcher = LaunchHarness.start(dir, "--backend", "external", config.toString());
    String line = printedJavaLine(launcher, "a");
    assertTrue(line.contains("--key-file"), line);
    assertFalse(launcher.stdout().contains("--slots"), "one slot by default");
    assertTrue(launcher.descendants().isEmpty(), "the launcher started no worker: " + launcher.descendants());

    List<Process> workers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      workers.add(new ProcessBuilder("/bin/sh", "-c", line)
          .redirectOutput(dir.resolve("worker-" + i + ".out").toFile())
          .redirectError(dir.resolve("worker-" + i + ".err").toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start());
    }
    Finished finished = launcher.await();
    assertEquals(0, finished.exitCode(), finished.output());
    for (int i = 0; i < workers.size(); i++) {
      Process w = workers.get(i);
      assertTrue(w.waitFor(LaunchHarness.EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "worker " + i + " ended");
      assertEquals(0, w.exitValue(), "worker " + i + ": " + LaunchHarness.read(dir.resolve("worker-" + i + ".err")));
    }
    Map<String, Integer> runs = new TreeMap<>();
    for (String l : Files.readAllLines(blockLog)) {
      runs.merge("a@" + l.split(" ")[0], 1, Integer::sum);
    }
    assertEquals(plan.keySet(), runs.keySet());
    assertEquals(2, Files.list(markers).count(), "both external workers ran blocks");
    assertTrue(runs.values().stream().allMatch(n -> n == 1), "each block once: " + runs);
    assertEquals(10, LaunchHarness.summary(dir.resolve("ext")).path("tasks").path("a").path("completed").asInt());
  }

  @Test
  void aWorkerOnAnotherHostIsKnownByWhatItReports() throws Exception {
    // "another host": a UTS namespace with a name of its own, which the worker's hello gives, so
    // the launcher does not read its /proc; its CPU time and memory come from its own reports
    Assumptions.assumeTrue(new ProcessBuilder("unshare", "--uts", "true").start().waitFor() == 0,
        "no unshare --uts here (it needs root or user namespaces)");
    Path config = config("remote", "backend: local", 1, "sleep 0.2");
    Launched launcher = LaunchHarness.start(dir, "--backend", "external", config.toString());
    String line = printedJavaLine(launcher, "a");
    ProcessBuilder pb = new ProcessBuilder("unshare", "--uts", "/bin/sh", "-c", "hostname other-node && " + line)
        .redirectOutput(dir.resolve("remote-worker.out").toFile())
        .redirectError(dir.resolve("remote-worker.err").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("HOSTNAME", "other-node"); // the name the worker falls back to: it does not resolve
    Process worker = pb.start();
    Finished finished = launcher.await();
    assertEquals(0, finished.exitCode(), finished.output());
    assertTrue(worker.waitFor(LaunchHarness.EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the worker ended");
    assertEquals(0, worker.exitValue(), LaunchHarness.read(dir.resolve("remote-worker.err")));
    JsonNode workers = LaunchHarness.summary(dir.resolve("remote")).path("statistics").path("workers");
    assertEquals(1, workers.size(), workers.toString());
    JsonNode w = workers.get(0);
    assertEquals("other-node", w.path("host").asText(), w.toString());
    assertTrue(w.path("cpu_seconds").asDouble() > 0, "its CPU time, as it reported it: " + w);
    assertTrue(w.path("peak_rss_bytes").asLong() > 16L << 20, "a JVM's peak, as it reported it: " + w);
  }

  @Test
  void aTaskOfNoWorkersThatNobodyServesWaitsUntilSigterm() throws Exception {
    // num_workers: 0 with the local backend: the same wait as --backend external, for one task
    Path config = config("idle", "backend: local", 0, "true");
    Launched launcher = LaunchHarness.start(dir, config.toString());
    String line = printedJavaLine(launcher, "a");
    assertTrue(line.contains("tcp://127.0.0.1:"), "the local backend's loopback address: " + line);
    // the run waits: a status line is printed every status_interval, and nothing ends it
    launcher.awaitWhileRunning(() -> launcher.stdout().split("\n").length >= 8);
    assertTrue(launcher.isAlive(), "the run waits for workers:\n" + launcher.stdout());
    assertTrue(launcher.descendants().isEmpty(), "no worker was started: " + launcher.descendants());
    launcher.signal("TERM");
    Finished finished = launcher.await();
    assertEquals(130, finished.exitCode(), finished.output());
  }
}
