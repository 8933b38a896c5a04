package org.daisyjava.launcher.it.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How jobs end on the real local SLURM, and what the launcher makes of it: more workers than
 * MaxArraySize (several arrays), a walltime kill (TIMEOUT and its advice) beside a worker that
 * drains at its USR1 and is replaced, a SIGKILLed worker (the 137 explanation).
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class SlurmJobEndTest {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

  @TempDir Path tmp;

  private static String runName(String what) {
    return "it-" + what + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  private Path config(String name, String slurm, int maxRestarts, String tasks) throws Exception {
    String yaml = """
        name: %s
        run_dir: "%s"
        scheduler: {host: 127.0.0.1, heartbeat_interval: 200ms, heartbeat_liveness: 10}
        worker: {java: "%s", jvm_options: %s, max_restarts: %d}
        slurm: {poll_interval: 1s, mem: 200M, cpus_per_task: 1, %s}
        tasks:
        %s""".formatted(name, tmp.resolve("run"), LauncherRun.JAVA, LauncherRun.WORKER_JVM_OPTIONS, maxRestarts,
        slurm, tasks.indent(2));
    Path config = tmp.resolve(name + ".yaml");
    Files.writeString(config, yaml);
    return config;
  }

  private static int workersSubmitted(String log, List<Integer> arrays) {
    int workers = 0;
    Matcher m = Pattern.compile("submitted job \\d+ \\((\\d+) workers\\)").matcher(log);
    while (m.find()) {
      arrays.add(Integer.parseInt(m.group(1)));
      workers += Integer.parseInt(m.group(1));
    }
    return workers;
  }

  /**
   * num_workers 1002 > MaxArraySize 1001: two arrays (1001 + 1), the run completes, and the
   * pending ones are cancelled once the task is done (two run at a time here).
   */
  @Test
  void moreWorkersThanMaxArraySizeAreSubmittedAsTwoArraysAndTheRunCompletes() throws Exception {
    SlurmCluster.require();
    SlurmCluster.Output limit = SlurmCluster.run("scontrol", "show", "config");
    Matcher max = Pattern.compile("MaxArraySize\\s*=\\s*(\\d+)").matcher(limit.text());
    assertTrue(max.find(), limit.text());
    int workers = Integer.parseInt(max.group(1)) + 1;
    String name = runName("bigarray");
    String prefix = "daisy-" + name + "-";
    Path config = config(name, "time: 10m", 10, """
        - name: a
          total_roi: {offset: [0], shape: [200]}
          read_roi: {offset: [0], shape: [10]}
          write_roi: {offset: [0], shape: [10]}
          num_workers: %d
          process: {builtin: noop}
        """.formatted(workers));
    LauncherRun r = LauncherRun.start(tmp, "launch", config);
    try {
      int code = r.awaitExit(RUN_TIMEOUT);
      double seconds = r.secondsSinceStart();
      List<SlurmCluster.Job> left = SlurmCluster.jobs(prefix);
      assertEquals(0, code, r.output());
      assertEquals(List.of(), left, "jobs of the run still queued");
      String log = Files.readString(tmp.resolve("run/daisy-launch.log"));
      List<Integer> arrays = new java.util.ArrayList<>();
      assertEquals(workers, workersSubmitted(log, arrays), log);
      assertEquals(List.of(workers - 1, 1), arrays, "arrays of at most MaxArraySize");
      System.out.printf("[slurm-it] bigarray: %d workers in %s arrays; run %.1f s%n", workers, arrays, seconds);
    } finally {
      r.kill();
      SlurmCluster.cancelAll(prefix);
    }
  }

  /**
   * slurm.time 1m. Task "drain": its first block outlasts the drain point (USR1 at 30 s), so its
   * worker hands the block back, says goodbye and exits 0; a new job runs the block, and no
   * death is counted. Task "stuck": its job script ignores USR1 and never starts the worker, so
   * SLURM kills it at the walltime; the launcher says TIMEOUT and how to fix it.
   */
  @Test
  void aWalltimeKillIsReportedAsTimeoutWithAdviceAndADrainedWorkerIsReplaced() throws Exception {
    SlurmCluster.require();
    String name = runName("walltime");
    String prefix = "daisy-" + name + "-";
    Path blocks = tmp.resolve("blocks.txt");
    Path config = config(name, "time: 1m", 0, """
        - name: drain
          total_roi: {offset: [0], shape: [20]}
          read_roi: {offset: [0], shape: [10]}
          write_roi: {offset: [0], shape: [10]}
          num_workers: 1
          process:
            command: |
              if [ "$DAISY_WRITE_OFFSET" = 0 ] && [ "$DAISY_ATTEMPT" = 1 ]; then sleep 300; fi
              echo "$DAISY_TASK $DAISY_BLOCK_ID $DAISY_ATTEMPT" >> "%1$s"
        - name: stuck
          total_roi: {offset: [0], shape: [10]}
          read_roi: {offset: [0], shape: [10]}
          write_roi: {offset: [0], shape: [10]}
          num_workers: 1
          process: {command: 'echo "$DAISY_TASK $DAISY_BLOCK_ID" >> "%1$s"'}
          slurm: {job_script_prologue: ["trap '' USR1", "sleep 600"]}
        """.formatted(blocks));
    LauncherRun r = LauncherRun.start(tmp, "launch", config);
    try {
      int code = r.awaitExit(RUN_TIMEOUT);
      List<SlurmCluster.Job> left = SlurmCluster.jobs(prefix);
      assertEquals(1, code, "task stuck failed: " + r.output());
      assertEquals(List.of(), left);
      String out = r.stdout();
      assertTrue(out.contains("TIMEOUT — raise slurm.time (now 00:01:00)"), r.output());
      String summary = Files.readString(tmp.resolve("run/summary.json"));
      assertTrue(summary.contains("\"worker_losses\":[\"1 x TIMEOUT — raise slurm.time (now 00:01:00)\"]"), summary);

      List<String> done = LauncherRun.lines(blocks);
      // block 1 may have been handed back too (a worker holds more than the block it runs)
      assertTrue(done.contains("drain 0 2") && done.size() == 2 && done.stream().anyMatch(l -> l.startsWith("drain 1 ")),
          "the drained block ran again in a new job, each block once: " + done);
      String log = Files.readString(tmp.resolve("run/daisy-launch.log"));
      assertTrue(log.contains("of task drain left by itself"), log);
      assertTrue(!log.contains("of task drain ended"), "the drain is no death:\n" + log);
      String workerLogs = "";
      try (Stream<Path> s = Files.list(tmp.resolve("run/logs/drain"))) {
        for (Path p : s.filter(p -> p.toString().endsWith(".err")).toList()) {
          workerLogs += Files.readString(p);
        }
      }
      assertTrue(workerLogs.contains("walltime is near; handing back and leaving"), workerLogs);
    } finally {
      r.kill();
      SlurmCluster.cancelAll(prefix);
    }
  }

  /** A block kills its own worker with SIGKILL: the job ends FAILED with signal 9, explained as 137. */
  @Test
  void aSigkilledWorkerIsExplainedAndReplaced() throws Exception {
    SlurmCluster.require();
    String name = runName("sigkill");
    String prefix = "daisy-" + name + "-";
    Path blocks = tmp.resolve("blocks.txt");
    Path config = config(name, "time: 10m", 3, """
        - name: a
          total_roi: {offset: [0], shape: [40]}
          read_roi: {offset: [0], shape: [10]}
          write_roi: {offset: [0], shape: [10]}
          num_workers: 1
          process:
            command: |
              if [ "$DAISY_WRITE_OFFSET" = 0 ] && [ "$DAISY_ATTEMPT" = 1 ]; then kill -9 $PPID; sleep 60; fi
              echo "$DAISY_TASK $DAISY_BLOCK_ID" >> "%s"
        """.formatted(blocks));
    LauncherRun r = LauncherRun.start(tmp, "launch", config);
    try {
      int code = r.awaitExit(RUN_TIMEOUT);
      assertEquals(0, code, r.output());
      assertEquals(List.of(), SlurmCluster.jobs(prefix));
      assertEquals(4, new HashSet<>(LauncherRun.lines(blocks)).size(), LauncherRun.lines(blocks).toString());
      assertTrue(r.stdout().contains("exit 137 (SIGKILL: out of memory?)"), r.output());
      String summary = Files.readString(tmp.resolve("run/summary.json"));
      assertTrue(summary.contains("exit 137 (SIGKILL: out of memory?)"), summary);
    } finally {
      r.kill();
      SlurmCluster.cancelAll(prefix);
    }
  }
}
