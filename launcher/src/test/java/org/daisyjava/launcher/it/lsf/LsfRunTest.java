package org.daisyjava.launcher.it.lsf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.daisyjava.launcher.it.slurm.LauncherRun;
import org.daisyjava.scheduler.checkpoint.BlockBitSet;
import org.daisyjava.scheduler.checkpoint.CheckpointFormatException;
import org.daisyjava.scheduler.checkpoint.CheckpointLog;
import org.daisyjava.scheduler.checkpoint.Recovery;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SLURM integration scenarios with {@code --backend lsf}, against the LSF test stand-in (or,
 * with {@code DAISY_LSF_REAL=1}, a real LSF): a chained pipeline, a bkill of one element, a bad
 * java path, the walltime warning, SIGTERM, SIGKILL and --resume, a dry run. Each test leaves no
 * job of its run behind.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class LsfRunTest {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
  private static final String MARK = "it's \"quoted\", $HOME and `id` stay  as written";

  @TempDir Path tmp;
  private LsfCluster lsf;

  @BeforeEach
  void theCluster() throws Exception {
    lsf = LsfCluster.in(tmp);
  }

  private static String runName(String what) {
    return "it-" + what + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  private LauncherRun start(String label, Path config, String... options) throws Exception {
    return LauncherRun.start("lsf", lsf.env, tmp, label, config, options);
  }

  /** One task (or two chained ones) with the given block command; lsf: with every directive kind. */
  private Path config(String name, String java, int maxRestarts, String extraTask, int shape, String command)
      throws Exception {
    String yaml = """
        name: %s
        run_dir: "%s"
        scheduler: {host: 127.0.0.1, heartbeat_interval: 200ms, heartbeat_liveness: 10}
        worker:
          java: "%s"
          jvm_options: %s
          max_restarts: %d
          env: {DAISY_IT_MARK: '%s'}
        lsf:
          poll_interval: 1s
          queue: normal
          project: daisy-it
          walltime: 10m
          mem: 200M
          cores: 1
          job_extra_directives: ['-R "select[mem>100]"']
          job_script_prologue: ['echo "prologue ran in ${LSB_JOBID}_${LSB_JOBINDEX}"', "export DAISY_IT_PROLOGUE=yes"]
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [%d]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            num_workers: 2
            process:
              command: |
        %s
        %s""".formatted(name, tmp.resolve("run"), java, LauncherRun.WORKER_JVM_OPTIONS, maxRestarts,
        MARK.replace("'", "''"), shape, command.indent(8).stripTrailing(), extraTask);
    Path config = tmp.resolve(name + "-" + UUID.randomUUID().toString().substring(0, 4) + ".yaml");
    Files.writeString(config, yaml);
    return config;
  }

  private static String taskB(Path blocks) {
    return """
          - name: b
            total_roi: {offset: [0], shape: [160]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            upstream: [a]
            num_workers: 2
            process: {command: 'echo "$DAISY_TASK $DAISY_BLOCK_ID" >> "%s"'}
        """.formatted(blocks);
  }

  @Test
  void aChainedPipelineRunsThroughLsfToTheEnd() throws Exception {
    String name = runName("chain");
    String prefix = "daisy-" + name + "-";
    Path run = tmp.resolve("run");
    Path blocks = tmp.resolve("blocks.txt");
    Path mark = tmp.resolve("mark.txt");
    Path config = config(name, LauncherRun.JAVA, 10, taskB(blocks), 160, """
        echo "$DAISY_TASK $DAISY_BLOCK_ID" >> "%s"
        printf '%%s|%%s\\n' "$DAISY_IT_MARK" "$DAISY_IT_PROLOGUE" > "%s"
        """.formatted(blocks, mark));
    LauncherRun r = start("launch", config);
    try {
      int code = r.awaitExit(RUN_TIMEOUT);
      List<LsfCluster.Job> left = lsf.jobs(prefix);
      assertEquals(0, code, r.output());
      assertEquals(List.of(), left, "jobs of the run still there after daisy-launch exited");
      List<String> done = LauncherRun.lines(blocks);
      assertEquals(32, done.size(), "16 blocks per task, each run once: " + done);
      assertEquals(32, new HashSet<>(done).size(), "a block ran twice: " + done);
      for (int i = 0; i < done.size(); i++) {
        if (done.get(i).startsWith("b ")) {
          int upstream = done.indexOf("a " + done.get(i).substring(2));
          assertTrue(upstream >= 0 && upstream < i, done.get(i) + " ran before its upstream block: " + done);
        }
      }
      Recovery log = CheckpointLog.recover(run.resolve("checkpoint.log"));
      assertEquals(16, log.done(0).cardinality());
      assertEquals(16, log.done(1).cardinality());
      assertEquals(MARK + "|yes", Files.readString(mark).strip(), "worker.env and the prologue reach the block");

      List<Path> scripts;
      try (Stream<Path> s = Files.list(run.resolve("jobs"))) {
        scripts = s.filter(p -> p.toString().endsWith(".sh")).sorted().toList();
      }
      // one per task, and replacements if a worker was lost on the way (the backend's business)
      assertTrue(scripts.stream().anyMatch(p -> p.getFileName().toString().startsWith("a-"))
          && scripts.stream().anyMatch(p -> p.getFileName().toString().startsWith("b-")),
          scripts + "\n" + Files.readString(run.resolve("daisy-launch.log")) + errLogs(run));
      for (Path p : scripts) {
        List<String> l = Files.readAllLines(p);
        String task = p.getFileName().toString().substring(0, 1);
        for (String expected : List.of(
            "#BSUB -o \"" + run.resolve("logs").resolve(task) + "/%J_%I.out\"",
            "#BSUB -e \"" + run.resolve("logs").resolve(task) + "/%J_%I.err\"",
            "#BSUB -q normal", "#BSUB -P daisy-it", "#BSUB -W 0:10", "#BSUB -wa USR1", "#BSUB -wt 0:05",
            "#BSUB -n 1", "#BSUB -R \"span[hosts=1]\"", "#BSUB -M 200MB", "#BSUB -R \"rusage[mem=200MB]\"",
            "#BSUB -R \"select[mem>100]\"", "export DAISY_IT_PROLOGUE=yes")) {
          assertTrue(l.contains(expected), p + " lacks: " + expected + "\n" + String.join("\n", l));
        }
        assertTrue(l.stream().anyMatch(s -> s.matches("#BSUB -J \"daisy-" + name + "-[0-9a-f]{6}\\[1-[12]]\"")),
            String.join("\n", l));
      }
      for (String task : List.of("a", "b")) {
        Set<String> out = new TreeSet<>();
        Set<String> err = new TreeSet<>();
        boolean prologue = false;
        try (Stream<Path> s = Files.list(run.resolve("logs").resolve(task))) {
          for (Path p : s.toList()) {
            Matcher m = Pattern.compile("(\\d+_\\d+)\\.(out|err)").matcher(p.getFileName().toString());
            assertTrue(m.matches(), "unexpected log " + p);
            (m.group(2).equals("out") ? out : err).add(m.group(1));
            prologue |= Files.readString(p).contains("prologue ran in " + m.group(1));
          }
        }
        assertEquals(out, err, "every element has both logs, named %J_%I");
        assertTrue(out.stream().allMatch(id -> id.matches("\\d+_[12]")), "indices start at 1: " + out);
        assertTrue(prologue, "the prologue ran and LSB_JOBID/LSB_JOBINDEX were set");
      }
      assertFalse(Files.exists(run.resolve("jobs/submitted")), "nothing left for a later --resume to kill");
      LauncherRun.StatusCalls calls = LauncherRun.statusCalls(run);
      assertTrue(calls != null && calls.calls() <= 2 * r.secondsSinceStart() + 3, "one bjobs per poll: " + calls);
      System.out.printf("[lsf-it] chain: run %.1f s; bjobs calls %d%n", r.secondsSinceStart(), calls.calls());
    } finally {
      r.kill();
      lsf.cancelAll(prefix);
    }
  }

  @Test
  void aKilledElementsBlockIsRunAgainAndTheRunCompletes() throws Exception {
    aHungBlocksElementIsHit("bkill", job -> {
      LsfCluster.Output kill = lsf.run("bkill", job);
      assertEquals(0, kill.exitCode(), kill.text());
      assertTrue(kill.text().contains("Job <" + job + "> is being terminated"), kill.text());
    });
  }

  /**
   * LSF's walltime warning ({@code -wa USR1}, sent {@code -wt} before the run limit) goes to every
   * process of the job, so the running block's command dies of it as the worker starts to drain.
   * The test sends it as LSF would, with {@code bkill -s USR1}, once the block is known to run
   * (the stand-in keeps no run limit). The worker drains and exits 0; its block goes back as a
   * hand-back ("walltime drain"), not as a failure of the command (exit 138), and runs again in
   * another element; the drain is no lost worker.
   */
  @Test
  void theWalltimeWarningDrainsAnElementAndItsBlockIsHandedBackNotFailed() throws Exception {
    String job = aHungBlocksElementIsHit("warning", element -> {
      LsfCluster.Output warn = lsf.run("bkill", "-s", "USR1", element);
      assertEquals(0, warn.exitCode(), warn.text());
      assertTrue(warn.text().contains("Job <" + element + "> is being signaled"), warn.text());
    });
    List<String> failures = LauncherRun.lines(tmp.resolve("run/events.jsonl")).stream()
        .filter(l -> l.contains("\"event\":\"block_failed\"")).toList();
    assertTrue(failures.stream().anyMatch(l -> l.contains("\"block_id\":0,") && l.contains("walltime drain")),
        "block 0 was handed back by the draining worker: " + failures);
    assertTrue(failures.stream().noneMatch(l -> l.contains("exited with code")),
        "no block failed with the warning's signal as its exit code: " + failures);
    String summary = Files.readString(tmp.resolve("run/summary.json"));
    assertFalse(summary.contains("worker_losses"), "a drain is no lost worker: " + summary);
    String elementLog = Files.readString(tmp.resolve("run/logs/a/" + job.replace("[", "_").replace("]", "") + ".err"));
    assertTrue(elementLog.contains("walltime is near; handing back and leaving"), elementLog);
  }

  /** What a test does to the element that runs the hung block. */
  private interface ElementAction {
    void on(String element) throws Exception;
  }

  /**
   * A run of 12 blocks on two elements whose block at offset 0 hangs in its first attempt; once it
   * runs, {@code hit} is done to its element. The run must complete with no job left: every block
   * once, but those in flight in that element, and block 0 once more, in another element. Returns
   * the element that was hit.
   */
  private String aHungBlocksElementIsHit(String what, ElementAction hit) throws Exception {
    String name = runName(what);
    String prefix = "daisy-" + name + "-";
    Path started = tmp.resolve("started.txt");
    Path blocks = tmp.resolve("blocks.txt");
    Path config = config(name, LauncherRun.JAVA, 10, "", 120, """
        echo "$DAISY_WRITE_OFFSET $DAISY_BLOCK_ID $DAISY_ATTEMPT ${LSB_JOBID}[${LSB_JOBINDEX}]" >> "%s"
        if [ "$DAISY_WRITE_OFFSET" = 0 ] && [ "$DAISY_ATTEMPT" = 1 ]; then sleep 600 || exit 1; fi
        echo "$DAISY_TASK $DAISY_BLOCK_ID" >> "%s"
        """.formatted(started, blocks));
    LauncherRun r = start("launch", config);
    try {
      r.await("the first attempt of the block at offset 0", RUN_TIMEOUT,
          () -> LauncherRun.lines(started).stream().anyMatch(l -> l.startsWith("0 ") && l.split(" ")[2].equals("1")));
      String[] first = LauncherRun.lines(started).stream()
          .filter(l -> l.startsWith("0 ") && l.split(" ")[2].equals("1")).findFirst().orElseThrow().split(" ");
      String job = first[3];
      hit.on(job);

      int code = r.awaitExit(RUN_TIMEOUT);
      assertEquals(0, code, r.output());
      assertEquals(List.of(), lsf.jobs(prefix));
      List<String> done = LauncherRun.lines(blocks);
      assertEquals(12, new HashSet<>(done).size(), "every block done: " + done);
      Set<String> inHitJob = LauncherRun.lines(started).stream().map(l -> l.split(" "))
          .filter(f -> f[3].equals(job)).map(f -> "a " + f[1]).collect(Collectors.toSet());
      for (String line : new HashSet<>(done)) {
        long times = done.stream().filter(line::equals).count();
        assertTrue(times == 1 || inHitJob.contains(line), line + " ran " + times + " times: " + done);
      }
      List<String[]> again = LauncherRun.lines(started).stream().map(l -> l.split(" "))
          .filter(f -> f[0].equals("0") && !f[2].equals("1")).toList();
      assertEquals(1, again.size(), "the block at offset 0 ran once more: " + LauncherRun.lines(started));
      assertNotEquals(job, again.get(0)[3], "in another element");
      return job;
    } finally {
      r.kill();
      lsf.cancelAll(prefix);
    }
  }

  @Test
  void elementsThatDieAtOnceAreReplacedUpToMaxRestartsThenTheTaskFailsQuotingTheLog() throws Exception {
    String name = runName("badjava");
    String prefix = "daisy-" + name + "-";
    Path blocks = tmp.resolve("blocks.txt");
    Path config = config(name, "/nonexistent/java", 2, "", 120,
        "echo \"$DAISY_TASK $DAISY_BLOCK_ID\" >> \"" + blocks + "\"\n");
    LauncherRun r = start("launch", config);
    try {
      int code = r.awaitExit(RUN_TIMEOUT);
      assertEquals(1, code, r.output());
      assertEquals(List.of(), lsf.jobs(prefix));
      assertFalse(Files.exists(blocks), "no block ran");
      String out = r.stdout();
      assertTrue(out.contains("worker.max_restarts is 2"), r.output());
      assertTrue(out.contains("/nonexistent/java: No such file or directory"), "the log is quoted:\n" + r.output());
      assertTrue(out.contains("exit 127 (command not found: check worker.java)"), "bjobs' exit code explained:\n"
          + r.output());
      String summary = Files.readString(tmp.resolve("run/summary.json"));
      assertTrue(summary.contains("\"worker_losses\":[\"") && summary.contains("exit 127"), summary);
      String log = Files.readString(tmp.resolve("run/daisy-launch.log"));
      int workers = 0;
      Matcher m = Pattern.compile("submitted job \\d+ \\((\\d+) workers\\)").matcher(log);
      while (m.find()) {
        workers += Integer.parseInt(m.group(1));
      }
      assertTrue(workers >= 3 && workers <= 4, workers + " elements submitted:\n" + log);
      assertTrue(log.contains("replacing it (1 of 2 restarts)") && log.contains("no restarts left"), log);
    } finally {
      r.kill();
      lsf.cancelAll(prefix);
    }
  }

  @Test
  void sigtermMidRunKillsEveryJobBeforeExiting130() throws Exception {
    String name = runName("sigterm");
    String prefix = "daisy-" + name + "-";
    Path out = tmp.resolve("blocks.txt");
    LauncherRun r = start("launch", config(name, LauncherRun.JAVA, 10, "", 2000,
        "sleep 0.2; echo \"$DAISY_TASK $DAISY_BLOCK_ID\" >> \"" + out + "\"\n"));
    try {
      r.await("the first block", RUN_TIMEOUT, () -> !LauncherRun.lines(out).isEmpty());
      List<LsfCluster.Job> before = lsf.jobs(prefix);
      r.process.destroy(); // SIGTERM
      int code = r.awaitExit(RUN_TIMEOUT);
      List<LsfCluster.Job> left = lsf.jobs(prefix);
      assertEquals(130, code, r.output());
      assertFalse(before.isEmpty(), "jobs were running when SIGTERM came");
      assertEquals(List.of(), left, "jobs of the run still there after daisy-launch exited");
      assertTrue(Files.readString(tmp.resolve("run/summary.json")).contains("\"state\":\"interrupted\""));
      assertTrue(CheckpointLog.recover(tmp.resolve("run/checkpoint.log")).done(0).cardinality() < 200);
    } finally {
      r.kill();
      lsf.cancelAll(prefix);
    }
  }

  @Test
  void resumeAfterSigkillRunsOnlyTheBlocksNotLoggedAndLeavesNoJob() throws Exception {
    String name = runName("resume");
    String prefix = "daisy-" + name + "-";
    Path log = tmp.resolve("run/checkpoint.log");
    Path out1 = tmp.resolve("blocks-1.txt");
    Path out2 = tmp.resolve("blocks-2.txt");
    int total = 100;
    String command = "sleep 0.1; echo \"$DAISY_TASK $DAISY_BLOCK_ID\" >> \"%s\"\n";
    LauncherRun first = start("launch-1", config(name, LauncherRun.JAVA, 10, "", total * 10, command.formatted(out1)));
    LauncherRun second = null;
    try {
      first.await("3 blocks in the checkpoint log", RUN_TIMEOUT, () -> logged(log) >= 3);
      first.process.destroyForcibly(); // SIGKILL
      first.awaitExit(RUN_TIMEOUT);
      BlockBitSet logged = CheckpointLog.recover(log).done(0);
      assertTrue(logged.cardinality() >= 3 && logged.cardinality() < total, "killed mid-run: " + logged.cardinality());

      second = start("launch-2", config(name, LauncherRun.JAVA, 10, "", total * 10, command.formatted(out2)), "--resume");
      int code = second.awaitExit(RUN_TIMEOUT);
      assertEquals(0, code, second.output());
      assertEquals(List.of(), lsf.jobs(prefix), "orphans or jobs of the resumed run still there");
      assertTrue(Files.readString(tmp.resolve("run/daisy-launch.log")).contains("cancelling jobs an earlier launch may have left"));
      List<String> rerun = LauncherRun.lines(out2);
      assertEquals(rerun.size(), new HashSet<>(rerun).size(), "a block ran twice in the resumed run: " + rerun);
      Set<Long> ids = new TreeSet<>();
      for (String line : rerun) {
        long id = Long.parseLong(line.substring(2));
        assertFalse(logged.get(id), "block " + id + " was logged at the kill and ran again");
        ids.add(id);
      }
      assertEquals(total - logged.cardinality(), ids.size(), "the resumed run ran every block not logged");
      assertEquals(total, CheckpointLog.recover(log).done(0).cardinality());
    } finally {
      first.kill();
      if (second != null) {
        second.kill();
      }
      lsf.cancelAll(prefix);
    }
  }

  /** The acceptance: a script an LSF administrator would accept, bash -n clean, nothing submitted. */
  @Test
  void aDryRunPrintsAnLsfScriptThatBashAcceptsAndSubmitsNothing() throws Exception {
    String name = runName("dry");
    String prefix = "daisy-" + name + "-";
    Path config = config(name, LauncherRun.JAVA, 10, "", 40, "true\n");
    LauncherRun r = start("dry", config, "--dry-run");
    try {
      assertEquals(0, r.awaitExit(RUN_TIMEOUT), r.output());
      String out = r.stdout();
      Path script = tmp.resolve("run/jobs/a-dryrun.sh");
      for (String expected : List.of("#BSUB -J \"daisy-" + name + "-dryrun[1-2]\"\n", "#BSUB -q normal\n",
          "#BSUB -W 0:10\n", "#BSUB -M 200MB\n", "would be submitted as: bsub < " + script)) {
        assertTrue(out.contains(expected), "missing: " + expected + "\n" + r.output());
      }
      assertTrue(out.strip().endsWith("# dry run: nothing was submitted"), out);
      Process bash = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
      String complaints = new String(bash.getInputStream().readAllBytes());
      assertEquals(0, bash.waitFor(), complaints);
      assertEquals("", complaints);
      assertEquals(List.of(), lsf.jobs(prefix));
      assertFalse(Files.exists(tmp.resolve("run/checkpoint.log")), "no run was started");
    } finally {
      r.kill();
      lsf.cancelAll(prefix);
    }
  }

  private static String errLogs(Path run) throws Exception {
    StringBuilder b = new StringBuilder();
    try (Stream<Path> s = Files.walk(run.resolve("logs"))) {
      for (Path p : s.filter(p -> p.toString().endsWith(".err")).sorted().toList()) {
        b.append("--- ").append(p).append('\n').append(Files.readString(p));
      }
    }
    return b.toString();
  }

  private static long logged(Path log) throws Exception {
    if (!Files.exists(log)) {
      return 0;
    }
    try {
      return CheckpointLog.recover(log).done(0).cardinality();
    } catch (CheckpointFormatException e) {
      return 0;
    }
  }
}
