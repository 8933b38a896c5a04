package org.daisyjava.launcher.it.local;

import static org.daisyjava.launcher.it.local.LaunchHarness.logged;
import static org.daisyjava.launcher.it.local.LaunchHarness.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.daisyjava.launcher.it.local.LaunchHarness.BlockEvent;
import org.daisyjava.launcher.it.local.LaunchHarness.Finished;
import org.daisyjava.launcher.it.local.LaunchHarness.Launched;
import org.daisyjava.launcher.it.local.LaunchHarness.PlannedBlock;
import org.daisyjava.scheduler.checkpoint.CheckpointLog;
import org.daisyjava.scheduler.checkpoint.Recovery;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGTERM or SIGINT to the launcher in the middle of a run: it stops its workers, flushes the
 * checkpoint log, writes an interrupted summary and exits 130; a resume then finishes the run
 * without running any logged block again. Two chained tasks of 6 x 6 x 6 blocks: the signal
 * comes after 150 of their 432 blocks, and the resumed launch runs the rest.
 */
@Timeout(300)
class InterruptTest {
  @TempDir
  Path dir;

  private Path config(Path blockLog, int generation) throws IOException {
    String command = yaml(logged(blockLog, "sleep 0.005"));
    Path config = dir.resolve("interrupt-" + generation + ".yaml");
    // workers would notice a silent scheduler only after 5 minutes: if they are gone soon after
    // the launcher, the launcher stopped them
    Files.writeString(config, """
        name: interrupt
        run_dir: %s
        scheduler: {heartbeat_interval: 1s, heartbeat_liveness: 300, status_interval: 1s}
        worker: {jvm_options: %s, env: {RUN_GEN: "%d"}}
        tasks:
          - name: predict
            total_roi: {offset: [0, 0, 0], shape: [70, 70, 70]}
            read_roi: {offset: [-5, -5, -5], shape: [20, 20, 20]}
            write_roi: {offset: [0, 0, 0], shape: [10, 10, 10]}
            num_workers: 2
            max_retries: 0
            process: {command: %s}
          - name: relabel
            total_roi: {offset: [0, 0, 0], shape: [70, 70, 70]}
            read_roi: {offset: [-5, -5, -5], shape: [20, 20, 20]}
            write_roi: {offset: [0, 0, 0], shape: [10, 10, 10]}
            upstream: [predict]
            num_workers: 2
            max_retries: 0
            process: {command: %s}
        """.formatted(dir.resolve("run"), LaunchHarness.WORKER_JVM_OPTIONS, generation, command, command));
    return config;
  }

  /**
   * A shell started without job control runs background commands with SIGINT ignored, and the
   * JVM keeps an ignored SIGINT ignored; env(1) restores the default for the launcher then.
   */
  private static List<String> defaultSignals(String signal) throws IOException {
    Path status = Path.of("/proc/self/status");
    if (signal.equals("INT") && Files.exists(status)) {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("SigIgn:") && (Long.parseLong(line.substring(7).trim(), 16) & 2) != 0) {
          return List.of("env", "--default-signal=INT");
        }
      }
    }
    return List.of();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TERM", "INT"})
  void aSignalStopsTheRunWith130AndAResumeRunsNoLoggedBlockAgain(String signal) throws Exception {
    Path blockLog = dir.resolve("blocks.log");
    Path runDir = dir.resolve("run");
    Map<String, PlannedBlock> plan = LaunchHarness.plan(config(blockLog, 1));
    Launched launcher = LaunchHarness.start(dir, defaultSignals(signal), config(blockLog, 1).toString());
    assertTrue(launcher.awaitWhileRunning(() -> LaunchHarness.countEnds(blockLog) >= 150),
        "the run ended before it could be interrupted");
    List<ProcessHandle> workers = launcher.descendants();
    assertTrue(workers.stream().anyMatch(h -> h.info().commandLine().orElse("").contains("WorkerMain")),
        "no worker JVM among " + workers.stream().map(h -> h.info().commandLine().orElse("?")).toList());
    launcher.signal(signal);
    Finished interrupted = launcher.await();

    assertEquals(130, interrupted.exitCode(), interrupted.output());
    assertTrue(interrupted.stderr().contains("SIG" + signal), interrupted.output());
    JsonNode summary = LaunchHarness.summary(runDir);
    assertEquals("interrupted", summary.get("state").asText(), summary.toString());
    assertTrue(LaunchHarness.read(runDir.resolve("status.json")).contains("\"state\":\"interrupted\""));
    // blocks cut off by stopping the workers are unfinished, not failed (max_retries is 0 here)
    for (String task : List.of("predict", "relabel")) {
      JsonNode t = summary.get("tasks").get(task);
      for (String zero : List.of("failed", "orphaned", "retries")) {
        assertEquals(0, t.get(zero).asLong(), task + " " + zero + " after SIG" + signal + ": " + summary);
      }
    }
    assertFalse(summary.has("failures"), summary.toString());
    LaunchHarness.awaitExit(workers, "workers after SIG" + signal);
    // the log was flushed: every block the summary counts is in it, and nothing else
    Recovery logged = CheckpointLog.recover(runDir.resolve("checkpoint.log"));
    long completed = summary.get("tasks").get("predict").get("completed").asLong()
        + summary.get("tasks").get("relabel").get("completed").asLong();
    assertTrue(completed >= 150 && completed < plan.size(), summary.toString());
    assertEquals(completed, logged.recordsKept(), logged.report());
    assertEquals(0, logged.bytesTruncated(), logged.report());
    Map<Path, byte[]> firstWorkerLogs = LaunchHarness.files(runDir.resolve("logs"));

    Finished resumed = LaunchHarness.run(dir, "--resume", config(blockLog, 2).toString());

    assertEquals(0, resumed.exitCode(), resumed.output());
    assertEquals("finished", LaunchHarness.summary(runDir).get("state").asText());
    List<BlockEvent> events = LaunchHarness.readBlockLog(blockLog);
    List<String> rerunLogged = new ArrayList<>();
    Map<String, Integer> ends = new HashMap<>();
    for (BlockEvent e : events) {
      int task = e.task().equals("predict") ? 0 : 1;
      if (e.start() && e.generation() == 2 && logged.done(task).get(e.blockId())) {
        rerunLogged.add(e.key());
      }
      if (!e.start()) {
        ends.merge(e.key(), 1, Integer::sum);
      }
    }
    assertEquals(List.of(), rerunLogged, "blocks logged before SIG" + signal + " ran again");
    assertEquals(plan.keySet(), ends.keySet(), "not every block ran");
    long runAgain = events.stream().filter(e -> e.start() && e.generation() == 2)
        .map(BlockEvent::key).filter(k -> events.stream().anyMatch(e -> e.generation() == 1 && e.key().equals(k)))
        .count();
    System.out.printf("InterruptTest SIG%s: %d of %d blocks logged at the signal, %d run again after it%n",
        signal, completed, plan.size(), runAgain);
    // the resumed run's workers did not overwrite the logs of the interrupted run's workers
    assertFalse(firstWorkerLogs.isEmpty());
    Map<Path, byte[]> allWorkerLogs = LaunchHarness.files(runDir.resolve("logs"));
    allWorkerLogs.keySet().retainAll(firstWorkerLogs.keySet());
    LaunchHarness.assertSameFiles(firstWorkerLogs, allWorkerLogs, "logs of the interrupted run's workers");
    assertTrue(LaunchHarness.files(runDir.resolve("logs")).size() > firstWorkerLogs.size(),
        "the resumed run's workers have no logs");
  }
}
