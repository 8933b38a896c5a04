package org.daisyjava.launcher.it.local;

import static org.daisyjava.launcher.it.local.LaunchHarness.logged;
import static org.daisyjava.launcher.it.local.LaunchHarness.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.daisyjava.launcher.it.local.LaunchHarness.BlockEvent;
import org.daisyjava.launcher.it.local.LaunchHarness.Finished;
import org.daisyjava.launcher.it.local.LaunchHarness.Launched;
import org.daisyjava.launcher.it.local.LaunchHarness.PlannedBlock;
import org.daisyjava.scheduler.checkpoint.BlockBitSet;
import org.daisyjava.scheduler.checkpoint.CheckpointLog;
import org.daisyjava.scheduler.checkpoint.Recovery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety: the launcher JVM is killed with SIGKILL at random points of a chained 3-D run of
 * 1,024 blocks (8 x 8 x 8 per task: enough for the kills to fall at random among hundreds of
 * blocks; more only lengthen the run) and resumed each time until it finishes. Blocks logged
 * before a kill never run again, and the blocks that do run twice are bounded by what was in
 * flight at the kills.
 */
@Timeout(600)
class KillAndResumeTest {
  private static final int KILLS = 6;
  private static final int WORKERS_PER_TASK = 2;
  /** Blocks a worker holds at most (one running, one prefetched) for blocks of a few ms. */
  private static final int PREFETCH = 2;
  /** Records that may be written but not yet synced, or synced but not yet counted, per kill. */
  private static final int COMMIT_SLACK = 16;
  /** Blocks of each task: write ROIs of 10 whose read ROI (10 more) lies inside 90^3, 8 per axis. */
  private static final int BLOCKS_PER_TASK = 512;

  @TempDir
  Path dir;

  /** The config of launch number {@code generation}: the same geometry, another RUN_GEN. */
  private Path config(Path blockLog, int generation) throws Exception {
    String command = yaml(logged(blockLog, "sleep 0.005"));
    Path config = dir.resolve("kill-" + generation + ".yaml");
    Files.writeString(config, """
        name: kill
        run_dir: %s
        scheduler: {heartbeat_interval: 200ms, heartbeat_liveness: 5, status_interval: 1s}
        worker: {jvm_options: %s, env: {RUN_GEN: "%d"}}
        tasks:
          - name: predict
            total_roi: {offset: [0, 0, 0], shape: [90, 90, 90]}
            read_roi: {offset: [-5, -5, -5], shape: [20, 20, 20]}
            write_roi: {offset: [0, 0, 0], shape: [10, 10, 10]}
            num_workers: %d
            process: {command: %s}
          - name: relabel
            total_roi: {offset: [0, 0, 0], shape: [90, 90, 90]}
            read_roi: {offset: [-5, -5, -5], shape: [20, 20, 20]}
            write_roi: {offset: [0, 0, 0], shape: [10, 10, 10]}
            upstream: [predict]
            num_workers: %d
            process: {command: %s}
        """.formatted(dir.resolve("run"), LaunchHarness.WORKER_JVM_OPTIONS, generation, WORKERS_PER_TASK,
        command, WORKERS_PER_TASK, command));
    return config;
  }

  @Test
  void killedAtRandomMomentsAndResumedItRunsEveryBlockAndNoLoggedBlockAgain() throws Exception {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    Path blockLog = dir.resolve("blocks.log");
    Path checkpoint = dir.resolve("run").resolve("checkpoint.log");
    Map<String, PlannedBlock> plan = LaunchHarness.plan(config(blockLog, 1));
    int total = plan.size();
    assertEquals(2 * BLOCKS_PER_TASK, total);
    // kill when this many block ends (over all launches) are in the block log; one more kill
    // comes while a resumed launcher is still starting up, before its first block
    TreeSet<Long> killAt = new TreeSet<>();
    while (killAt.size() < KILLS - 1) {
      killAt.add(1 + (long) random.nextInt(total * 9 / 10));
    }
    int startupKill = 2 + random.nextInt(KILLS - 1);
    System.out.println("KillAndResumeTest: seed " + seed + ", kills at block ends " + killAt
        + " and during the start of launch " + startupKill);

    long began = System.nanoTime();
    List<BlockBitSet[]> loggedBeforeKill = new ArrayList<>();
    int generation = 1;
    Launched launcher = LaunchHarness.start(dir, config(blockLog, generation).toString());
    Finished last;
    while (true) {
      boolean kill;
      if (generation == startupKill) {
        Launched l = launcher;
        kill = l.awaitWhileRunning(() -> l.stdout().contains("daisy-launch: resuming"));
      } else if (!killAt.isEmpty()) {
        long target = killAt.pollFirst();
        kill = launcher.awaitWhileRunning(() -> LaunchHarness.countEnds(blockLog) >= target);
      } else {
        kill = false;
      }
      if (!kill) {
        last = launcher.await();
        break;
      }
      List<ProcessHandle> workers = launcher.descendants();
      launcher.signal("KILL");
      Finished killed = launcher.await();
      assertEquals(137, killed.exitCode(), killed.output());
      // the orphaned workers notice the silence and leave by themselves
      LaunchHarness.awaitExit(workers, "orphaned workers after kill " + generation);
      Recovery recovered = CheckpointLog.recover(checkpoint);
      loggedBeforeKill.add(new BlockBitSet[] {recovered.done(0).copy(), recovered.done(1).copy()});
      System.out.println("KillAndResumeTest: kill " + generation + ": " + recovered.report());
      generation++;
      launcher = LaunchHarness.start(dir, "--resume", config(blockLog, generation).toString());
    }
    double seconds = (System.nanoTime() - began) / 1e9;

    assertEquals(0, last.exitCode(), last.output());
    int kills = loggedBeforeKill.size();
    assertEquals(KILLS, kills, "the run finished before every planned kill");
    List<BlockEvent> events = LaunchHarness.readBlockLog(blockLog);
    // every block has run to its end
    Map<String, Integer> starts = new HashMap<>();
    for (BlockEvent e : events) {
      if (e.start()) {
        starts.merge(e.key(), 1, Integer::sum);
      }
    }
    for (PlannedBlock b : plan.values()) {
      assertTrue(events.stream().anyMatch(e -> !e.start() && e.key().equals(b.key())), b.key() + " never ended");
    }
    assertEquals(plan.keySet(), starts.keySet());
    // nothing logged before kill k ran in a later launch
    List<String> violations = new ArrayList<>();
    for (BlockEvent e : events) {
      if (!e.start()) {
        continue;
      }
      int task = e.task().equals("predict") ? 0 : 1;
      for (int k = 0; k < e.generation() - 1; k++) {
        if (loggedBeforeKill.get(k)[task].get(e.blockId())) {
          violations.add(e.key() + " (id " + e.blockId() + ") ran in launch " + e.generation()
              + " though logged before kill " + (k + 1));
          break;
        }
      }
    }
    assertEquals(List.of(), violations);
    // the checkpoint log of the finished run has every block
    Recovery end = CheckpointLog.recover(checkpoint);
    assertEquals(BLOCKS_PER_TASK, end.done(0).cardinality());
    assertEquals(BLOCKS_PER_TASK, end.done(1).cardinality());
    assertEquals(0, end.bytesTruncated());

    long reruns = starts.values().stream().mapToLong(n -> n - 1).sum();
    long perKill = 2L * (2 * WORKERS_PER_TASK * PREFETCH) + COMMIT_SLACK;
    long bound = kills * perKill;
    System.out.printf("KillAndResumeTest: %d blocks, %d kills, %d launches, %d re-runs (bound %d),"
        + " %.1f s%n", total, kills, generation, reruns, bound, seconds);
    assertTrue(reruns <= bound, reruns + " re-runs after " + kills + " kills; at most " + bound + " expected");
  }

  /**
   * Workers started just before the launcher died, which never reached its scheduler, leave too,
   * after the connect timeout the launcher gave them: here a short worker.connect_timeout, which
   * thus also reaches local workers (unset, a local worker gets the silence that ends a connected
   * one, at least 10 s, rather than the 60 s meant for cluster jobs: WorkerConnectTimeoutTest).
   * worker.java is a gate that holds each worker until the launcher has been killed.
   */
  @Test
  void workersThatNeverReachedTheKilledLauncherLeaveByThemselves() throws Exception {
    Path gate = dir.resolve("gate");
    Files.createDirectories(gate);
    Path gatedJava = dir.resolve("gated-java");
    Files.writeString(gatedJava, "#!/bin/sh\n"
        + "touch \"" + gate + "/started.$$\"\n"
        + "while [ ! -e \"" + gate + "/open\" ]; do sleep 0.05; done\n"
        + "exec \"" + Path.of(System.getProperty("java.home"), "bin", "java") + "\" \"$@\"\n");
    Files.setPosixFilePermissions(gatedJava, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path config = dir.resolve("gated.yaml");
    Files.writeString(config, """
        name: gated
        run_dir: %s
        scheduler: {heartbeat_interval: 200ms, heartbeat_liveness: 5}
        worker: {java: %s, jvm_options: %s, connect_timeout: 2s}
        tasks:
          - name: a
            total_roi: {offset: [0, 0], shape: [100, 100]}
            read_roi: {offset: [-5, -5], shape: [20, 20]}
            write_roi: {offset: [0, 0], shape: [10, 10]}
            num_workers: 2
            process: {command: "true"}
        """.formatted(dir.resolve("run"), yaml(gatedJava.toString()), LaunchHarness.WORKER_JVM_OPTIONS));
    Launched launcher = LaunchHarness.start(dir, config.toString());
    assertTrue(launcher.awaitWhileRunning(() -> {
      try (Stream<Path> s = Files.list(gate)) {
        return s.count() == 2;
      } catch (IOException e) {
        return false;
      }
    }), "the launcher ended before starting its workers");
    List<ProcessHandle> workers = launcher.descendants();
    launcher.signal("KILL");
    assertEquals(137, launcher.await().exitCode());
    Files.createFile(gate.resolve("open"));

    LaunchHarness.awaitExit(workers, "workers started just before the kill");

    List<Path> logs;
    try (Stream<Path> s = Files.list(dir.resolve("run").resolve("logs").resolve("a"))) {
      logs = s.filter(p -> p.toString().endsWith(".err")).toList();
    }
    assertEquals(2, logs.size(), logs.toString());
    Pattern gaveUp = Pattern.compile("within the connect timeout of (\\d+) ms");
    for (Path log : logs) {
      String text = LaunchHarness.read(log);
      Matcher m = gaveUp.matcher(text);
      assertTrue(m.find(), log + " does not say the worker gave up connecting:\n" + text);
      assertEquals(2000, Long.parseLong(m.group(1)), log + ": not worker.connect_timeout:\n" + text);
    }
  }
}
