package org.daisyjava.launcher.it.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.daisyjava.scheduler.checkpoint.CheckpointLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Worker jobs that go away on the real local SLURM: cancelled mid-block, or dead at start. */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class SlurmWorkerLossTest {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

  @TempDir Path tmp;

  private static String runName(String what) {
    return "it-" + what + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  private Path config(String name, String java, int maxRestarts, String command) throws Exception {
    String yaml = """
        name: %s
        run_dir: "%s"
        backend: slurm
        scheduler: {heartbeat_interval: 200ms, heartbeat_liveness: 10}
        worker: {java: "%s", jvm_options: %s, max_restarts: %d}
        slurm: {poll_interval: 1s, time: "00:10:00", mem: 200M, cpus_per_task: 1}
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [120]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            num_workers: 2
            process:
              command: |
        %s
        """.formatted(name, tmp.resolve("run"), java, LauncherRun.WORKER_JVM_OPTIONS, maxRestarts,
        command.indent(8).stripTrailing());
    Path config = tmp.resolve(name + ".yaml");
    Files.writeString(config, yaml);
    return config;
  }

  /**
   * The first attempt of the block at offset 0 hangs until its job is cancelled; scancel of that
   * one array element makes its block run again in another job, and the run completes.
   */
  @Test
  void aCancelledWorkerJobsBlockIsRunAgainAndTheRunCompletes() throws Exception {
    SlurmCluster.require();
    String name = runName("scancel");
    String prefix = "daisy-" + name + "-";
    Path started = tmp.resolve("started.txt");
    Path blocks = tmp.resolve("blocks.txt");
    Path config = config(name, LauncherRun.JAVA, 10, """
        echo "$DAISY_WRITE_OFFSET $DAISY_BLOCK_ID $DAISY_ATTEMPT ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}" >> "%s"
        if [ "$DAISY_WRITE_OFFSET" = 0 ] && [ "$DAISY_ATTEMPT" = 1 ]; then sleep 600 || exit 1; fi
        echo "$DAISY_TASK $DAISY_BLOCK_ID" >> "%s"
        """.formatted(started, blocks));
    LauncherRun r = LauncherRun.start(tmp, "launch", config);
    try {
      r.await("the first attempt of the block at offset 0", RUN_TIMEOUT,
          () -> LauncherRun.lines(started).stream().anyMatch(l -> l.startsWith("0 ") && l.split(" ")[2].equals("1")));
      String[] first = LauncherRun.lines(started).stream()
          .filter(l -> l.startsWith("0 ") && l.split(" ")[2].equals("1")).findFirst().orElseThrow().split(" ");
      String job = first[3];
      SlurmCluster.Output cancel = SlurmCluster.run("scancel", job);
      assertEquals(0, cancel.exitCode(), cancel.text());

      int code = r.awaitExit(RUN_TIMEOUT);
      List<SlurmCluster.Job> left = SlurmCluster.jobs(prefix);
      assertEquals(0, code, r.output());
      assertEquals(List.of(), left);

      List<String> done = LauncherRun.lines(blocks);
      assertEquals(12, new HashSet<>(done).size(), "every block done: " + done);
      // a block may run twice only if it was in flight in the cancelled job (design.md: blocks in
      // flight at a crash may run again); every other block exactly once
      Set<String> inCancelledJob = LauncherRun.lines(started).stream().map(l -> l.split(" "))
          .filter(f -> f[3].equals(job)).map(f -> "a " + f[1]).collect(Collectors.toSet());
      for (String line : new HashSet<>(done)) {
        long times = done.stream().filter(line::equals).count();
        assertTrue(times == 1 || inCancelledJob.contains(line), line + " ran " + times + " times: " + done);
        if (times > 1) {
          System.out.println("[slurm-it] scancel: " + line + " ran twice: it was in flight in the cancelled job " + job);
        }
      }
      assertEquals(12, CheckpointLog.recover(tmp.resolve("run/checkpoint.log")).done(0).cardinality());
      List<String[]> again = LauncherRun.lines(started).stream().map(l -> l.split(" "))
          .filter(f -> f[0].equals("0") && !f[2].equals("1")).toList();
      assertEquals(1, again.size(), "the block at offset 0 ran once more: " + LauncherRun.lines(started));
      assertNotEquals(job, again.get(0)[3], "in another job");

      String log = Files.readString(tmp.resolve("run/daisy-launch.log"));
      // the scheduler saw the cancelled worker leave and put its block back; whether the backend
      // also replaced the job depends on whether the other worker finished first (either is right)
      assertTrue(log.lines().anyMatch(l -> l.contains("block " + first[1] + " of task a: ")
          && l.contains("job " + job + ")") && l.contains("block requeued")), log);
      LauncherRun.StatusCalls calls = LauncherRun.statusCalls(tmp.resolve("run"));
      System.out.printf("[slurm-it] scancel: run %.1f s; squeue calls %d in %.2f min (%.1f per minute)%n",
          r.secondsSinceStart(), calls.calls(), calls.minutes(), calls.perMinute());
    } finally {
      r.kill();
      SlurmCluster.cancelAll(prefix);
    }
  }

  /**
   * Jobs whose java does not exist end at once: replaced max_restarts (2) times, then the task
   * is given up with the worker log quoted; exit 1 and no job left.
   */
  @Test
  void workerJobsThatDieAtOnceAreReplacedUpToMaxRestartsThenTheTaskFailsQuotingTheLog() throws Exception {
    SlurmCluster.require();
    String name = runName("badjava");
    String prefix = "daisy-" + name + "-";
    Path blocks = tmp.resolve("blocks.txt");
    Path config = config(name, "/nonexistent/java", 2, "echo \"$DAISY_TASK $DAISY_BLOCK_ID\" >> \"" + blocks + "\"\n");
    LauncherRun r = LauncherRun.start(tmp, "launch", config);
    try {
      int code = r.awaitExit(RUN_TIMEOUT);
      List<SlurmCluster.Job> left = SlurmCluster.jobs(prefix);
      assertEquals(1, code, r.output());
      assertEquals(List.of(), left);
      assertTrue(!Files.exists(blocks), "no block ran");

      String out = r.stdout();
      assertTrue(out.contains("worker.max_restarts is 2"), r.output());
      assertTrue(out.contains("/nonexistent/java: No such file or directory"), "the worker log is quoted:\n" + r.output());
      String summary = Files.readString(tmp.resolve("run/summary.json"));
      assertTrue(summary.contains("\"a\":{\"total\":12,\"completed\":0,"), summary);
      assertTrue(summary.contains("/nonexistent/java: No such file or directory"), summary);

      String log = Files.readString(tmp.resolve("run/daisy-launch.log"));
      int workers = 0;
      Matcher m = Pattern.compile("submitted job \\d+ \\((\\d+) workers\\)").matcher(log);
      while (m.find()) {
        workers += Integer.parseInt(m.group(1));
      }
      // 2 jobs, then replacements: at most max_restarts of them (fewer if the third death is seen
      // in the same poll as the second: the task is given up before the second replacement)
      assertTrue(workers >= 3 && workers <= 2 + 2, workers + " worker jobs submitted:\n" + log);
      assertTrue(log.contains("replacing it (1 of 2 restarts)"), log);
      assertTrue(log.contains("no restarts left"), log);
    } finally {
      r.kill();
      SlurmCluster.cancelAll(prefix);
    }
  }
}
