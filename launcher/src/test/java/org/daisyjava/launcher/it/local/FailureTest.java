package org.daisyjava.launcher.it.local;

import static org.daisyjava.launcher.it.local.LaunchHarness.logged;
import static org.daisyjava.launcher.it.local.LaunchHarness.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.daisyjava.launcher.it.local.LaunchHarness.BlockEvent;
import org.daisyjava.launcher.it.local.LaunchHarness.Finished;
import org.daisyjava.launcher.it.local.LaunchHarness.PlannedBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures with real worker processes: blocks that fail for good or once, a worker JVM killed
 * with SIGKILL in the middle of a block, a block that hangs past its timeout, and workers that
 * cannot start at all. Each run is a chain of two 2-D tasks of 25 blocks each (5 x 5: a block in
 * the middle has downstream blocks in both tasks, and every block beyond the one a test breaks
 * only lengthens the run).
 */
@Timeout(300)
class FailureTest {
  @TempDir
  Path dir;

  private Path blockLog() {
    return dir.resolve("blocks.log");
  }

  private Path runDir() {
    return dir.resolve("run");
  }

  /**
   * Tasks a and b (b reads a with context); {@code body} runs in every block of both;
   * {@code worker} adds keys to the worker section (", key: value").
   */
  private Path config(String worker, String taskOptions, String body) throws Exception {
    String command = yaml(logged(blockLog(), body));
    Path config = dir.resolve("failure.yaml");
    Files.writeString(config, """
        name: failure
        run_dir: %s
        scheduler: {heartbeat_interval: 200ms, heartbeat_liveness: 10, status_interval: 1s}
        worker: {jvm_options: %s%s}
        tasks:
          - name: a
            total_roi: {offset: [0, 0], shape: [60, 60]}
            read_roi: {offset: [-5, -5], shape: [20, 20]}
            write_roi: {offset: [0, 0], shape: [10, 10]}
            num_workers: 2
            %s
            process: {command: %s}
          - name: b
            total_roi: {offset: [0, 0], shape: [60, 60]}
            read_roi: {offset: [-5, -5], shape: [20, 20]}
            write_roi: {offset: [0, 0], shape: [10, 10]}
            upstream: [a]
            num_workers: 2
            %s
            process: {command: %s}
        """.formatted(runDir(), LaunchHarness.WORKER_JVM_OPTIONS, worker, taskOptions, command, taskOptions,
        command));
    return config;
  }

  private static Map<String, List<BlockEvent>> byBlock(List<BlockEvent> events) {
    Map<String, List<BlockEvent>> out = new TreeMap<>();
    events.forEach(e -> out.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e));
    return out;
  }

  private static List<BlockEvent> starts(List<BlockEvent> events) {
    return events.stream().filter(BlockEvent::start).toList();
  }

  private static boolean ended(List<BlockEvent> events, int attempt) {
    return events.stream().anyMatch(e -> !e.start() && e.attempt() == attempt);
  }

  /** Every block of the plan not in {@code except} started exactly once and ended. */
  private static void assertRanOnce(Map<String, PlannedBlock> plan, Map<String, List<BlockEvent>> runs,
      Set<String> except) {
    for (String key : plan.keySet()) {
      if (except.contains(key)) {
        continue;
      }
      List<BlockEvent> es = runs.getOrDefault(key, List.of());
      assertEquals(1, starts(es).size(), key + " did not run exactly once: " + es);
      assertTrue(ended(es, starts(es).get(0).attempt()), key + " did not end: " + es);
    }
  }

  @Test
  void aBlockThatAlwaysFailsFailsItsDownstreamIsOrphanedAndTheExitCodeIsOne() throws Exception {
    String failing = "a@35,35";
    Path config = config("", "max_retries: 2", "if [ \"$DAISY_TASK\" = a ] && [ \"$DAISY_WRITE_OFFSET\" = 35,35 ];"
        + " then echo \"simulated: cannot read input chunk $DAISY_WRITE_OFFSET\" >&2; exit 7; fi; sleep 0.005");
    Map<String, PlannedBlock> plan = LaunchHarness.plan(config);
    assertTrue(plan.containsKey(failing), plan.keySet().toString());
    Set<String> downstream = downstreamOf(plan, failing);
    Map<String, Long> orphans = downstream.stream()
        .collect(Collectors.groupingBy(k -> k.substring(0, k.indexOf('@')), Collectors.counting()));
    // the block has downstream blocks in its own task (later levels) and in task b
    assertTrue(orphans.getOrDefault("a", 0L) > 0 && orphans.getOrDefault("b", 0L) > 0, orphans.toString());

    Finished f = LaunchHarness.run(dir, config.toString());

    assertEquals(1, f.exitCode(), f.output());
    JsonNode summary = LaunchHarness.summary(runDir());
    assertEquals("finished", summary.get("state").asText());
    for (String task : List.of("a", "b")) {
      JsonNode t = summary.get("tasks").get(task);
      long failed = task.equals("a") ? 1 : 0;
      long orphaned = orphans.getOrDefault(task, 0L);
      assertEquals(failed, t.get("failed").asLong(), task + ": " + t);
      assertEquals(orphaned, t.get("orphaned").asLong(), task + ": " + t);
      assertEquals(t.get("total").asLong() - failed - orphaned, t.get("completed").asLong(), task + ": " + t);
    }
    Map<String, List<BlockEvent>> runs = byBlock(LaunchHarness.readBlockLog(blockLog()));
    List<BlockEvent> tries = starts(runs.get(failing));
    assertEquals(List.of(1, 2, 3), tries.stream().map(BlockEvent::attempt).sorted().toList(),
        "max_retries 2 means three attempts: " + tries);
    for (String orphan : downstream) {
      assertFalse(runs.containsKey(orphan), "orphaned block " + orphan + " ran: " + runs.get(orphan));
    }
    Set<String> notRun = new HashSet<>(downstream);
    notRun.add(failing);
    assertRanOnce(plan, runs, notRun);

    JsonNode failures = summary.get("failures");
    assertEquals(1, failures.size(), summary.toString());
    JsonNode failure = failures.get(0);
    assertEquals("a", failure.get("task").asText());
    assertEquals(tries.get(0).blockId(), failure.get("block_id").asLong());
    assertEquals(3, failure.get("attempts").asInt());
    String error = failure.get("error").asText();
    assertTrue(error.contains("simulated: cannot read input chunk 35,35") && error.contains("code 7"), error);
    assertTrue(f.stdout().contains("simulated: cannot read input chunk 35,35"), f.output());
    assertTrue(f.stdout().contains("1 block failed, " + downstream.size() + " orphaned"), f.output());
    // the worker id of the messages, DAISY_WORKER_ID and the worker's log file name agree
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^worker (\\d+) \\(.*\\), log .*/worker-(\\d+)\\.err$")
        .matcher(failure.get("worker").asText());
    assertTrue(m.matches(), failure.get("worker").asText());
    assertEquals(m.group(1), m.group(2), "the failure names worker " + m.group(1) + " and the log of worker " + m.group(2));
    for (BlockEvent e : tries) {
      assertTrue(Files.exists(runDir().resolve("logs").resolve(e.task()).resolve("worker-" + e.worker() + ".err")),
          "DAISY_WORKER_ID " + e.worker() + " has no log file of that number");
    }
  }

  /** Every block that (transitively) depends on {@code key}, by plan --json. */
  private static Set<String> downstreamOf(Map<String, PlannedBlock> plan, String key) {
    Map<String, List<String>> down = new HashMap<>();
    for (PlannedBlock b : plan.values()) {
      for (String u : b.upstream()) {
        down.computeIfAbsent(u, k -> new ArrayList<>()).add(b.key());
      }
    }
    Set<String> seen = new HashSet<>();
    ArrayDeque<String> todo = new ArrayDeque<>(List.of(key));
    while (!todo.isEmpty()) {
      for (String d : down.getOrDefault(todo.poll(), List.of())) {
        if (seen.add(d)) {
          todo.add(d);
        }
      }
    }
    return seen;
  }

  @Test
  void aBlockThatFailsOnceIsRetriedAndTheRetryIsCounted() throws Exception {
    Path config = config("", "", "if [ \"$DAISY_TASK\" = a ] && [ \"$DAISY_BLOCK_ID\" = 7 ] && [ \"$DAISY_ATTEMPT\" = 1 ];"
        + " then echo \"simulated: transient error\" >&2; exit 1; fi; sleep 0.005");
    Map<String, PlannedBlock> plan = LaunchHarness.plan(config);

    Finished f = LaunchHarness.run(dir, config.toString());

    assertEquals(0, f.exitCode(), f.output());
    Map<String, List<BlockEvent>> runs = byBlock(LaunchHarness.readBlockLog(blockLog()));
    String seven = runs.entrySet().stream()
        .filter(e -> e.getValue().get(0).task().equals("a") && e.getValue().get(0).blockId() == 7)
        .map(Map.Entry::getKey).findFirst().orElseThrow();
    List<BlockEvent> tries = runs.get(seven);
    assertEquals(List.of(1, 2), starts(tries).stream().map(BlockEvent::attempt).toList(), tries.toString());
    assertFalse(ended(tries, 1), "attempt 1 should have failed: " + tries);
    assertTrue(ended(tries, 2), "attempt 2 should have succeeded: " + tries);
    assertRanOnce(plan, runs, Set.of(seven));
    JsonNode a = LaunchHarness.summary(runDir()).get("tasks").get("a");
    assertEquals(1, a.get("retries").asLong(), a.toString());
    assertEquals(a.get("total").asLong(), a.get("completed").asLong(), a.toString());
    assertEquals(0, a.get("failed").asLong(), a.toString());
    assertEquals(0, LaunchHarness.summary(runDir()).get("tasks").get("b").get("retries").asLong());
  }

  @Test
  void aWorkerKilledMidBlockHasItsBlockRunElsewhereAndTheRunCompletes() throws Exception {
    // the block's shell is a child of the worker JVM: $PPID is the worker
    Path config = config("", "", "if [ \"$DAISY_TASK\" = a ] && [ \"$DAISY_BLOCK_ID\" = 7 ] && [ \"$DAISY_ATTEMPT\" = 1 ];"
        + " then kill -9 $PPID; exit 0; fi; sleep 0.005");
    Map<String, PlannedBlock> plan = LaunchHarness.plan(config);

    Finished f = LaunchHarness.run(dir, config.toString());

    assertEquals(0, f.exitCode(), f.output());
    Map<String, List<BlockEvent>> runs = byBlock(LaunchHarness.readBlockLog(blockLog()));
    String seven = runs.entrySet().stream().filter(e -> e.getValue().get(0).task().equals("a")
        && e.getValue().get(0).blockId() == 7).map(Map.Entry::getKey).findFirst().orElseThrow();
    List<BlockEvent> tries = starts(runs.get(seven));
    assertEquals(List.of(1, 2), tries.stream().map(BlockEvent::attempt).toList(), tries.toString());
    int killed = tries.get(0).worker();
    assertNotEquals(killed, tries.get(1).worker(), "the retry must run on another worker");
    assertTrue(ended(runs.get(seven), 2));
    // besides block 7, a block may run again only if the killed worker had it: one it had run
    // whose release was still unsent (a kill -9 takes the worker's unsent messages with it), or
    // one running in another slot. Blocks are done at least once, never lost.
    List<String> rerun = runs.entrySet().stream().filter(e -> starts(e.getValue()).size() > 1)
        .map(Map.Entry::getKey).toList();
    for (String key : rerun) {
      List<BlockEvent> started = starts(runs.get(key));
      assertEquals(killed, started.get(0).worker(), key + " ran again though the killed worker never had it: " + started);
      assertEquals(2, started.size(), key + ": " + started);
      assertNotEquals(killed, started.get(1).worker(), key + ": " + started);
      assertTrue(ended(runs.get(key), 2), key + ": " + runs.get(key));
    }
    assertRanOnce(plan, runs, Set.copyOf(rerun));
    JsonNode a = LaunchHarness.summary(runDir()).get("tasks").get("a");
    assertEquals(a.get("total").asLong(), a.get("completed").asLong(), a.toString());
    assertTrue(a.get("retries").asLong() >= 1, a.toString());
    String launchLog = LaunchHarness.read(runDir().resolve("daisy-launch.log"));
    assertTrue(launchLog.contains("ended with code 137"), launchLog);
  }

  @Test
  void aBlockHangingPastItsTimeoutIsStoppedRetriedAndCompleted() throws Exception {
    Path pids = dir.resolve("hung.pids");
    Path config = config("", "timeout: 2s", "if [ \"$DAISY_TASK\" = a ] && [ \"$DAISY_BLOCK_ID\" = 7 ] && [ \"$DAISY_ATTEMPT\" = 1 ];"
        + " then sleep 600 & echo \"$$ $!\" > \"" + pids + "\"; wait $!; fi; sleep 0.005");
    Map<String, PlannedBlock> plan = LaunchHarness.plan(config);

    Finished f = LaunchHarness.run(dir, config.toString());

    assertEquals(0, f.exitCode(), f.output());
    Map<String, List<BlockEvent>> runs = byBlock(LaunchHarness.readBlockLog(blockLog()));
    List<String> rerun = runs.entrySet().stream().filter(e -> starts(e.getValue()).size() > 1)
        .map(Map.Entry::getKey).toList();
    assertEquals(1, rerun.size(), rerun.toString());
    List<BlockEvent> tries = runs.get(rerun.get(0));
    assertEquals(7, tries.get(0).blockId());
    assertFalse(ended(tries, 1), tries.toString());
    assertTrue(ended(tries, 2), tries.toString());
    assertRanOnce(plan, runs, Set.of(rerun.get(0)));
    JsonNode a = LaunchHarness.summary(runDir()).get("tasks").get("a");
    assertEquals(1, a.get("retries").asLong(), a.toString());
    assertEquals(a.get("total").asLong(), a.get("completed").asLong(), a.toString());
    assertTrue(LaunchHarness.read(runDir().resolve("daisy-launch.log")).contains("timed out after 2s"));
    // the hung shell and its sleep were stopped, not left behind
    List<ProcessHandle> hung = new ArrayList<>();
    for (String pid : Files.readString(pids).trim().split(" ")) {
      ProcessHandle.of(Long.parseLong(pid))
          .filter(h -> h.info().commandLine().map(c -> c.contains("sleep")).orElse(false))
          .ifPresent(hung::add);
    }
    LaunchHarness.awaitExit(hung, "the timed-out block's processes");
  }

  @Test
  void workersThatAlwaysCrashStopTheTaskAfterMaxRestartsWithTheirLogQuoted() throws Exception {
    Path fakeJava = dir.resolve("fake-java");
    Files.writeString(fakeJava, "#!/bin/sh\necho \"fake-java: Error: could not reserve the heap (simulated)\" >&2\nexit 1\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path config = config(", java: " + yaml(fakeJava.toString()) + ", max_restarts: 2", "", "sleep 0.005");

    Finished f = LaunchHarness.run(dir, config.toString());

    assertEquals(1, f.exitCode(), f.output());
    JsonNode summary = LaunchHarness.summary(runDir());
    JsonNode a = summary.get("tasks").get("a");
    JsonNode b = summary.get("tasks").get("b");
    assertEquals(0, a.get("completed").asLong(), a.toString());
    assertEquals(a.get("total").asLong(), a.get("failed").asLong() + a.get("orphaned").asLong(), a.toString());
    assertEquals(b.get("total").asLong(), b.get("orphaned").asLong() + b.get("failed").asLong(), b.toString());
    assertFalse(Files.exists(blockLog()), "no block can have run");
    JsonNode failure = summary.get("failures").get(0);
    assertEquals("a", failure.get("task").asText(), failure.toString());
    String error = failure.get("error").asText();
    assertTrue(error.contains("max_restarts is 2"), error);
    assertTrue(error.contains("fake-java: Error: could not reserve the heap (simulated)"), error);
    assertTrue(f.stdout().contains("fake-java: Error: could not reserve the heap (simulated)"), f.output());
    List<Path> logs;
    try (Stream<Path> s = Files.list(runDir().resolve("logs").resolve("a"))) {
      logs = s.filter(p -> p.toString().endsWith(".err")).toList();
    }
    // the first two workers and the two restarts; a third restart would exceed max_restarts
    assertTrue(logs.size() >= 3 && logs.size() <= 4, "worker processes started: " + logs);
  }
}
