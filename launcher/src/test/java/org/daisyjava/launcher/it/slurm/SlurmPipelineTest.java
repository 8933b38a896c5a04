package org.daisyjava.launcher.it.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.stream.Stream;
import org.daisyjava.scheduler.checkpoint.CheckpointLog;
import org.daisyjava.scheduler.checkpoint.Recovery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole runs through the real local SLURM: a chained pipeline, a dry run, and a submission that
 * sbatch refuses. Each test leaves no job of its run in the queue.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class SlurmPipelineTest {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
  /** The value of a worker.env variable that must reach the block command unchanged. */
  private static final String MARK = "it's \"quoted\", $HOME and `id` stay  as written";

  @TempDir Path tmp;

  private static String runName(String what) {
    return "it-" + what + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  private Path chainConfig(String name, Path run, Path blocks, Path mark, String slurmExtra) throws Exception {
    String yaml = """
        name: %1$s
        run_dir: "%2$s"
        backend: slurm
        scheduler: {heartbeat_interval: 200ms, heartbeat_liveness: 10}
        worker:
          java: "%3$s"
          jvm_options: %4$s
          env: {DAISY_IT_MARK: '%5$s'}
        slurm:
          poll_interval: 1s
          partition: debug
          account: daisy-it
          qos: normal
          time: "00:10:00"
          mem: 200M
          cpus_per_task: 1
          job_extra_directives: ["--comment=daisy-it", "--nice=0"]
          job_script_prologue: ["echo prologue ran in ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}", "export DAISY_IT_PROLOGUE=yes"]
        %6$s
        tasks:
          - name: a
            total_roi: {offset: [0, 0], shape: [40, 40]}
            read_roi: {offset: [0, 0], shape: [10, 10]}
            write_roi: {offset: [0, 0], shape: [10, 10]}
            num_workers: 2
            process:
              command: |
                echo "$DAISY_TASK $DAISY_BLOCK_ID" >> "%7$s"
                printf '%%s|%%s\\n' "$DAISY_IT_MARK" "$DAISY_IT_PROLOGUE" > "%8$s"
          - name: b
            total_roi: {offset: [0, 0], shape: [40, 40]}
            read_roi: {offset: [0, 0], shape: [10, 10]}
            write_roi: {offset: [0, 0], shape: [10, 10]}
            upstream: [a]
            num_workers: 2
            process: {command: 'echo "$DAISY_TASK $DAISY_BLOCK_ID" >> "%7$s"'}
        """.formatted(name, run, LauncherRun.JAVA, LauncherRun.WORKER_JVM_OPTIONS, MARK.replace("'", "''"),
        slurmExtra, blocks, mark);
    Path config = tmp.resolve(name + ".yaml");
    Files.writeString(config, yaml);
    return config;
  }

  /**
   * Two chained tasks, two worker jobs each: exit 0, every block done exactly once (downstream
   * after upstream), the run's jobs gone, scripts with the configured directives, a log pair per
   * job, and worker.env and the prologue reaching the block command.
   */
  @Test
  void aChainedPipelineRunsThroughSlurmToTheEnd() throws Exception {
    SlurmCluster.require();
    String name = runName("chain");
    String prefix = "daisy-" + name + "-";
    Path run = tmp.resolve("run");
    Path blocks = tmp.resolve("blocks.txt");
    Path mark = tmp.resolve("mark.txt");
    Path config = chainConfig(name, run, blocks, mark, "");
    LauncherRun r = LauncherRun.start(tmp, "launch", config);
    try {
      r.await("the first block", RUN_TIMEOUT, () -> !LauncherRun.lines(blocks).isEmpty());
      double firstBlock = r.secondsSinceStart();
      int code = r.awaitExit(RUN_TIMEOUT);
      double total = r.secondsSinceStart();
      List<SlurmCluster.Job> left = SlurmCluster.jobs(prefix);
      assertEquals(0, code, r.output());
      assertEquals(List.of(), left, "jobs of the run still queued after daisy-launch exited");

      List<String> done = LauncherRun.lines(blocks);
      assertEquals(32, done.size(), "16 blocks per task, each run once: " + done);
      assertEquals(32, new HashSet<>(done).size(), "a block ran twice: " + done);
      assertEquals(16, done.stream().filter(l -> l.startsWith("a ")).count(), done.toString());
      for (int i = 0; i < done.size(); i++) {
        String line = done.get(i);
        if (line.startsWith("b ")) {
          int upstream = done.indexOf("a " + line.substring(2));
          assertTrue(upstream >= 0 && upstream < i, "block " + line + " ran before its upstream block: " + done);
        }
      }
      Recovery log = CheckpointLog.recover(run.resolve("checkpoint.log"));
      assertEquals(16, log.done(0).cardinality());
      assertEquals(16, log.done(1).cardinality());
      String summary = Files.readString(run.resolve("summary.json"));
      assertTrue(summary.contains("\"state\":\"finished\""), summary);
      assertTrue(summary.contains("\"a\":{\"total\":16,\"completed\":16,") && summary.contains("\"b\":{\"total\":16,\"completed\":16,"), summary);

      assertEquals(MARK + "|yes", Files.readString(mark).strip(), "worker.env and the prologue's export reach the block");
      assertScriptsCarryTheDirectives(run, name);
      for (String task : List.of("a", "b")) {
        assertLogPairs(run.resolve("logs").resolve(task));
      }
      assertFalse(Files.exists(run.resolve("jobs/submitted")), "the run confirmed its queue empty: nothing to cancel on --resume");

      LauncherRun.StatusCalls calls = LauncherRun.statusCalls(run);
      assertTrue(calls != null, "daisy-launch.log has no 'job status calls' line");
      // one squeue per poll interval (1 s) while running, one per 0.5 s while stopping: never per job or per tick
      assertTrue(calls.calls() <= 2 * total + 3, calls + " in " + total + " s");
      System.out.printf("[slurm-it] chain: first block %.2f s after launching daisy-launch; run %.1f s;"
          + " squeue calls %d in %.2f min (%.1f per minute)%n", firstBlock, total, calls.calls(), calls.minutes(),
          calls.perMinute());
    } finally {
      r.kill();
      SlurmCluster.cancelAll(prefix);
    }
  }

  private static void assertScriptsCarryTheDirectives(Path run, String name) throws Exception {
    List<Path> scripts;
    try (Stream<Path> s = Files.list(run.resolve("jobs"))) {
      scripts = s.filter(p -> p.toString().endsWith(".sh")).sorted().toList();
    }
    assertTrue(scripts.stream().anyMatch(p -> p.getFileName().toString().startsWith("a-")), scripts.toString());
    assertTrue(scripts.stream().anyMatch(p -> p.getFileName().toString().startsWith("b-")), scripts.toString());
    for (Path p : scripts) {
      List<String> l = Files.readAllLines(p);
      String task = p.getFileName().toString().substring(0, 1);
      for (String expected : List.of(
          "#SBATCH --output=\"" + run.resolve("logs").resolve(task) + "/%A_%a.out\"",
          "#SBATCH --partition=debug", "#SBATCH --account=daisy-it", "#SBATCH --qos=normal",
          "#SBATCH --time=00:10:00", "#SBATCH --mem=200M", "#SBATCH --cpus-per-task=1",
          "#SBATCH --comment=daisy-it", "#SBATCH --nice=0",
          "echo prologue ran in ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}", "export DAISY_IT_PROLOGUE=yes")) {
        assertTrue(l.contains(expected), p + " lacks: " + expected + "\n" + String.join("\n", l));
      }
      assertTrue(l.stream().anyMatch(s -> s.startsWith("#SBATCH --job-name=daisy-" + name + "-")), p.toString());
    }
  }

  /** One .out/.err pair per job (%A_%a), from at least num_workers jobs; the prologue ran, the worker logged. */
  private static void assertLogPairs(Path logs) throws Exception {
    Set<String> out = new HashSet<>();
    Set<String> err = new HashSet<>();
    boolean prologue = false;
    boolean connected = false;
    Pattern file = Pattern.compile("(\\d+_\\d+)\\.(out|err)");
    try (Stream<Path> s = Files.list(logs)) {
      for (Path p : s.toList()) {
        Matcher m = file.matcher(p.getFileName().toString());
        assertTrue(m.matches(), "unexpected file in " + logs + ": " + p.getFileName());
        (m.group(2).equals("out") ? out : err).add(m.group(1));
        String text = Files.readString(p);
        prologue |= text.contains("prologue ran in " + m.group(1));
        connected |= text.contains("connected to the scheduler");
      }
    }
    assertEquals(out, err, "every job has both logs");
    assertTrue(out.size() >= 2, "num_workers 2: " + out);
    assertTrue(prologue, "no .out in " + logs + " shows the prologue");
    assertTrue(connected, "no .err in " + logs + " shows the worker connecting");
  }

  /** --dry-run prints the scripts that would be submitted, and submits nothing. */
  @Test
  void aDryRunPrintsTheScriptsAndSubmitsNothing() throws Exception {
    SlurmCluster.require();
    String name = runName("dry");
    String prefix = "daisy-" + name + "-";
    Path run = tmp.resolve("run");
    Path blocks = tmp.resolve("blocks.txt");
    Path config = chainConfig(name, run, blocks, tmp.resolve("mark.txt"), "");
    LauncherRun r = LauncherRun.start(tmp, "dry", config, "--dry-run");
    try {
      int code = r.awaitExit(RUN_TIMEOUT);
      List<SlurmCluster.Job> queued = SlurmCluster.jobs(prefix);
      String out = r.stdout();
      assertEquals(0, code, r.output());
      assertEquals(List.of(), queued);
      for (String expected : List.of("#SBATCH --job-name=daisy-" + name + "-dryrun\n", "#SBATCH --partition=debug\n",
          "#SBATCH --comment=daisy-it\n", "export DAISY_IT_PROLOGUE=yes\n",
          "would be submitted as: sbatch --parsable --array=0-1 " + run.resolve("jobs/a-dryrun.sh"),
          "would be submitted as: sbatch --parsable --array=0-1 " + run.resolve("jobs/b-dryrun.sh"),
          "org.daisyjava.worker.WorkerMain --connect ")) {
        assertTrue(out.contains(expected), "missing: " + expected + "\n" + r.output());
      }
      assertTrue(out.strip().endsWith("# dry run: nothing was submitted"), out);
      assertFalse(Files.exists(blocks), "no block ran");
      assertFalse(Files.exists(run.resolve("checkpoint.log")), "no run was started");
      assertFalse(Files.exists(run.resolve("jobs/submitted")), "no job was submitted");
    } finally {
      r.kill();
      SlurmCluster.cancelAll(prefix);
    }
  }

  /**
   * sbatch refuses the second task's jobs (its own slurm: names a partition that does not
   * exist) while the first task's jobs run: exit 3 with sbatch's own words, and no job of the run
   * left in the queue.
   */
  @Test
  void aSubmissionSbatchRefusesEndsTheRunWithExitCode3AndCancelsTheRest() throws Exception {
    SlurmCluster.require();
    String name = runName("refused");
    String prefix = "daisy-" + name + "-";
    Path blocks = tmp.resolve("blocks.txt");
    Path config = chainConfig(name, tmp.resolve("run"), blocks, tmp.resolve("mark.txt"), "");
    Files.writeString(config, Files.readString(config)
        .replace("    upstream: [a]\n", "    upstream: [a]\n    slurm: {partition: nope}\n"));
    LauncherRun r = LauncherRun.start(tmp, "refused", config);
    try {
      int code = r.awaitExit(RUN_TIMEOUT);
      List<SlurmCluster.Job> queued = SlurmCluster.jobs(prefix);
      assertEquals(3, code, r.output());
      assertTrue(r.stderr().contains("invalid partition specified: nope"), r.output());
      assertTrue(r.stderr().contains("worker jobs of task b"), r.output());
      assertEquals(List.of(), queued, "task a's jobs were cancelled");
      String log = Files.readString(tmp.resolve("run/daisy-launch.log"));
      assertTrue(log.contains("submitted job") && log.contains("for task a"), "task a's jobs had been submitted:\n" + log);
      assertTrue(LauncherRun.lines(blocks).stream().allMatch(l -> l.startsWith("a ")), "no block of b ran");
    } finally {
      r.kill();
      SlurmCluster.cancelAll(prefix);
    }
  }
}
