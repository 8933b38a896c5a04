package org.daisyjava.launcher.it.local;

import static org.daisyjava.launcher.it.local.LaunchHarness.logged;
import static org.daisyjava.launcher.it.local.LaunchHarness.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.daisyjava.launcher.it.local.LaunchHarness.BlockEvent;
import org.daisyjava.launcher.it.local.LaunchHarness.Finished;
import org.daisyjava.launcher.it.local.LaunchHarness.Launched;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One owner per run directory: while a launcher runs, a second one — a new run or a resume —
 * exits 2 naming the first (pid and host), and every block runs exactly once; a launcher killed
 * with SIGKILL leaves a stale record that the next launcher recognises and replaces.
 */
@Timeout(300)
class RunLockTest {
  @TempDir
  Path dir;

  private Path config(String name, Path runDir, Path blockLog, String body) throws Exception {
    Path config = dir.resolve(name + ".yaml");
    Files.writeString(config, """
        name: %s
        run_dir: %s
        scheduler: {heartbeat_interval: 200ms, heartbeat_liveness: 5}
        worker: {jvm_options: %s}
        tasks:
          - name: a
            total_roi: {offset: [0, 0], shape: [60, 60]}
            read_roi: {offset: [-5, -5], shape: [20, 20]}
            write_roi: {offset: [0, 0], shape: [10, 10]}
            num_workers: 2
            process: {command: %s}
        """.formatted(name, runDir, LaunchHarness.WORKER_JVM_OPTIONS, yaml(logged(blockLog, body))));
    return config;
  }

  @Test
  void aSecondLauncherOnARunningRunDirExitsTwoNamingTheFirstAndNoBlockRunsTwice() throws Exception {
    Path runDir = dir.resolve("run");
    Path blockLog = dir.resolve("blocks.log");
    // the blocks wait at a gate until the second launchers are done, so the first one runs
    Path gate = dir.resolve("gate");
    Path config = config("busy", runDir, blockLog,
        "while [ ! -e \"" + gate + "\" ]; do sleep 0.05; done");
    Launched first = LaunchHarness.start(dir, config.toString());
    assertTrue(first.awaitWhileRunning(() -> LaunchHarness.read(blockLog).contains(" start ")),
        "the first launcher ended before its first block");

    String holder = "is in use by daisy-launch pid " + first.pid() + " on host ";
    for (String[] args : new String[][] {
        {config.toString()},
        {"--resume", config.toString()},
        {"--run-dir", runDir.toString(), "--resume", config.toString()}}) {
      Finished second = LaunchHarness.run(dir, args);
      System.out.println("RunLockTest: second launcher " + List.of(args).subList(0, args.length - 1)
          + ": exit " + second.exitCode() + ": " + second.stderr().strip());
      assertEquals(2, second.exitCode(), second.output());
      assertTrue(second.stderr().contains("run dir " + runDir + " " + holder), second.output());
      assertTrue(second.stderr().contains(" since 20"), "the holder's start time: " + second.output());
      assertTrue(first.isAlive(), "the refused launcher must not disturb the running one");
    }
    Files.createFile(gate);

    Finished f = first.await();
    assertEquals(0, f.exitCode(), f.output());
    Map<Long, Integer> starts = new HashMap<>();
    for (BlockEvent e : LaunchHarness.readBlockLog(blockLog)) {
      if (e.start()) {
        starts.merge(e.blockId(), 1, Integer::sum);
      }
    }
    assertEquals(25, starts.size(), "every block ran");
    starts.forEach((id, n) -> assertEquals(1, n, "block " + id + " ran " + n + " times"));
    assertEquals("", Files.readString(runDir.resolve("lock")), "a clean end empties the record");
  }

  @Test
  void aKilledLaunchersStaleRecordIsReplacedAndTheResumeFinishes() throws Exception {
    Path runDir = dir.resolve("run");
    Path blockLog = dir.resolve("blocks.log");
    Path config = config("killed", runDir, blockLog, "sleep 0.2");
    Launched first = LaunchHarness.start(dir, config.toString());
    assertTrue(first.awaitWhileRunning(() -> LaunchHarness.countEnds(blockLog) >= 1),
        "the launcher ended before its first block");
    List<ProcessHandle> workers = first.descendants();
    first.signal("KILL");
    assertEquals(137, first.await().exitCode());
    String stale = Files.readString(runDir.resolve("lock")).strip();
    assertTrue(stale.startsWith("daisy-launch pid " + first.pid() + " on host "), stale);

    Finished resumed = LaunchHarness.run(dir, "--resume", config.toString());
    System.out.println("RunLockTest: resume after SIGKILL: exit " + resumed.exitCode());
    assertEquals(0, resumed.exitCode(), resumed.output());
    assertTrue(resumed.stderr().contains("replaced a stale holder record") && resumed.stderr().contains(stale),
        resumed.output());
    String runLog = Files.readString(runDir.resolve("daisy-launch.log"));
    assertTrue(runLog.contains("replaced a stale holder record") && runLog.contains(stale), runLog);
    LaunchHarness.awaitExit(workers, "workers of the killed launcher");
  }

  @Test
  void aRunDirectoryRemovedDuringTheRunStopsItWithExitThree() throws Exception {
    Path runDir = dir.resolve("run");
    Path blockLog = dir.resolve("blocks.log");
    Launched l = LaunchHarness.start(dir, config("removed", runDir, blockLog, "sleep 0.2").toString());
    assertTrue(l.awaitWhileRunning(() -> LaunchHarness.countEnds(blockLog) >= 1),
        "the launcher ended before its first block");
    List<ProcessHandle> workers = l.descendants();
    Process rm = new ProcessBuilder("rm", "-rf", runDir.toString()).inheritIO().start();
    assertEquals(0, rm.waitFor());

    Finished f = l.await();
    System.out.println("RunLockTest: run dir removed: exit " + f.exitCode() + ": " + f.stderr().strip());
    assertEquals(3, f.exitCode(), f.output());
    assertTrue(f.stderr().contains("the run directory " + runDir + " was removed or replaced"), f.output());
    LaunchHarness.awaitExit(workers, "workers of the stopped run");
  }
}
