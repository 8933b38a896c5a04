package org.daisyjava.launcher.it.local;

import static org.daisyjava.launcher.it.local.LaunchHarness.logged;
import static org.daisyjava.launcher.it.local.LaunchHarness.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.daisyjava.launcher.it.local.LaunchHarness.BlockEvent;
import org.daisyjava.launcher.it.local.LaunchHarness.Finished;
import org.daisyjava.launcher.it.local.LaunchHarness.PlannedBlock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-task 3-D pipeline with context, run once by real worker processes with nothing failing:
 * every block runs exactly once, never before the blocks it depends on (per {@code plan --json})
 * have ended, and the run directory reports it.
 */
@Timeout(300)
class CleanRunTest {
  @TempDir
  static Path dir;
  static Path runDir;
  static Finished finished;
  static Map<String, PlannedBlock> plan;
  static List<BlockEvent> events;

  @BeforeAll
  static void runThePipeline() throws Exception {
    runDir = dir.resolve("run");
    Path blockLog = dir.resolve("blocks.log");
    String command = yaml(logged(blockLog, "sleep 0.01"));
    Path config = dir.resolve("clean.yaml");
    Files.writeString(config, """
        name: clean
        run_dir: %s
        scheduler: {heartbeat_interval: 200ms, heartbeat_liveness: 25, status_interval: 1s}
        worker: {jvm_options: %s}
        tasks:
          - name: smooth
            total_roi: {offset: [0, 0, 0], shape: [70, 70, 70]}
            read_roi: {offset: [-5, -5, -5], shape: [20, 20, 20]}
            write_roi: {offset: [0, 0, 0], shape: [10, 10, 10]}
            num_workers: 2
            process: {command: %s}
          - name: label
            total_roi: {offset: [5, 5, 5], shape: [60, 60, 60]}
            read_roi: {offset: [-5, -5, -5], shape: [20, 20, 20]}
            write_roi: {offset: [0, 0, 0], shape: [10, 10, 10]}
            upstream: [smooth]
            num_workers: 2
            process: {command: %s}
        """.formatted(runDir, LaunchHarness.WORKER_JVM_OPTIONS, command, command));
    plan = LaunchHarness.plan(config);
    finished = LaunchHarness.run(dir, config.toString());
    events = LaunchHarness.readBlockLog(blockLog);
  }

  @Test
  void everyBlockRunsExactlyOnceAndTheRunEndsWithExitZero() throws Exception {
    assertEquals(0, finished.exitCode(), finished.output());
    Map<String, List<BlockEvent>> byBlock = new TreeMap<>();
    for (BlockEvent e : events) {
      byBlock.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e);
    }
    assertEquals(plan.keySet(), byBlock.keySet(), "the blocks that ran are not the planned ones");
    for (Map.Entry<String, List<BlockEvent>> b : byBlock.entrySet()) {
      List<BlockEvent> es = b.getValue();
      assertEquals(2, es.size(), b.getKey() + " ran other than once: " + es);
      assertTrue(es.stream().anyMatch(BlockEvent::start) && es.stream().anyMatch(e -> !e.start()),
          b.getKey() + ": " + es);
      assertTrue(es.stream().allMatch(e -> e.attempt() == 1), b.getKey() + ": " + es);
    }
    // ids are unique within a task: one write offset per (task, id)
    Map<String, String> offsetOfId = new HashMap<>();
    for (BlockEvent e : events) {
      String was = offsetOfId.putIfAbsent(e.task() + "#" + e.blockId(), e.writeOffset());
      assertTrue(was == null || was.equals(e.writeOffset()),
          "block id " + e.blockId() + " of " + e.task() + " named both " + was + " and " + e.writeOffset());
    }
  }

  @Test
  void summaryJsonSaysFinishedWithEveryBlockCompleted() throws Exception {
    JsonNode summary = LaunchHarness.summary(runDir);
    assertEquals("finished", summary.get("state").asText(), summary.toString());
    for (String task : List.of("smooth", "label")) {
      long planned = plan.values().stream().filter(b -> b.task().equals(task)).count();
      JsonNode t = summary.get("tasks").get(task);
      assertTrue(planned > 100, "the plan of " + task + " is too small to mean anything: " + planned);
      assertEquals(planned, t.get("total").asLong(), task + ": " + t);
      assertEquals(planned, t.get("completed").asLong(), task + ": " + t);
      for (String zero : List.of("skipped", "failed", "orphaned", "retries")) {
        assertEquals(0, t.get(zero).asLong(), task + " " + zero + ": " + t);
      }
    }
    assertFalse(summary.has("failures"), summary.toString());
    assertTrue(finished.stdout().contains("execution summary (finished"), finished.output());
  }

  @Test
  void workerLogsAreUnderRunDirLogsTask() throws Exception {
    for (String task : List.of("smooth", "label")) {
      Path logs = runDir.resolve("logs").resolve(task);
      List<Path> err;
      try (Stream<Path> s = Files.list(logs)) {
        err = s.filter(p -> p.getFileName().toString().endsWith(".err")).sorted().toList();
      }
      assertFalse(err.isEmpty(), "no worker logs in " + logs);
      for (Path e : err) {
        String name = e.getFileName().toString();
        Path out = e.resolveSibling(name.substring(0, name.length() - 4) + ".out");
        assertTrue(Files.exists(out), "no " + out + " next to " + e);
      }
      // the logs are the workers' own: each says which task it served and how it ended
      long connected = err.stream().map(LaunchHarness::read)
          .filter(l -> l.contains("connected to the scheduler") && l.contains("leaving")).count();
      assertEquals(err.size(), connected, "worker logs of " + task + " without connect and leave: " + err);
      long workersInBlockLog = events.stream().filter(ev -> ev.task().equals(task))
          .map(BlockEvent::worker).distinct().count();
      assertTrue(workersInBlockLog <= err.size(),
          workersInBlockLog + " workers ran blocks of " + task + " but only " + err.size() + " logs exist");
    }
    assertTrue(Files.exists(runDir.resolve("daisy-launch.log")));
    assertTrue(Files.exists(runDir.resolve("config.yaml")));
    assertTrue(Files.exists(runDir.resolve("checkpoint.log")));
  }

  @Test
  void noBlockStartsBeforeEveryUpstreamBlockHasEnded() {
    Map<String, Long> start = new HashMap<>();
    Map<String, Long> end = new HashMap<>();
    for (BlockEvent e : events) {
      (e.start() ? start : end).put(e.key(), e.nanos());
    }
    long sameTask = 0;
    long otherTask = 0;
    List<String> violations = new ArrayList<>();
    for (PlannedBlock b : plan.values()) {
      Long s = start.get(b.key());
      assertTrue(s != null, b.key() + " never started");
      for (String u : b.upstream()) {
        Long e = end.get(u);
        assertTrue(e != null, u + " (upstream of " + b.key() + ") never ended");
        if (s < e) {
          violations.add(b.key() + " started " + (e - s) / 1000 + " us before its upstream " + u + " ended");
        }
        if (u.startsWith(b.task() + "@")) {
          sameTask++;
        } else {
          otherTask++;
        }
      }
    }
    // the check means something only if the plan has both kinds of dependencies
    assertTrue(sameTask > 100 && otherTask > 100, "too few dependencies: " + sameTask + " same-task, "
        + otherTask + " between tasks");
    assertEquals(List.of(), violations);
    System.out.printf("CleanRunTest: %d same-task and %d inter-task dependencies held; %d of %d block"
        + " pairs overlapped in time%n", sameTask, otherTask, overlappingPairs(start, end), start.size());
  }

  /** How many pairs of blocks ran at the same time (shows the workers did run in parallel). */
  private static long overlappingPairs(Map<String, Long> start, Map<String, Long> end) {
    List<long[]> spans = new ArrayList<>();
    start.forEach((k, s) -> spans.add(new long[] {s, end.get(k)}));
    spans.sort((a, b) -> Long.compare(a[0], b[0]));
    long pairs = 0;
    for (int i = 0; i < spans.size(); i++) {
      for (int j = i + 1; j < spans.size() && spans.get(j)[0] < spans.get(i)[1]; j++) {
        pairs++;
      }
    }
    return pairs;
  }
}
