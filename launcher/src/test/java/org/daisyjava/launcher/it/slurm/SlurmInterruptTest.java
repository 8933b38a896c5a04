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
import java.util.TreeSet;
import java.util.UUID;
import org.daisyjava.scheduler.checkpoint.BlockBitSet;
import org.daisyjava.scheduler.checkpoint.CheckpointFormatException;
import org.daisyjava.scheduler.checkpoint.CheckpointLog;
import org.daisyjava.scheduler.checkpoint.Recovery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The launcher stopped mid-run on the real local SLURM: by SIGTERM, and by SIGKILL and --resume. */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class SlurmInterruptTest {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

  @TempDir Path tmp;

  private static String runName(String what) {
    return "it-" + what + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  /** One task of {@code blocks} blocks that sleep {@code seconds} each, then append "a ID" to $DAISY_IT_OUT. */
  private Path config(String name, int blocks, String seconds, Path out, String file) throws Exception {
    String yaml = """
        name: %s
        run_dir: "%s"
        backend: slurm
        scheduler: {heartbeat_interval: 200ms, heartbeat_liveness: 10}
        worker: {java: "%s", jvm_options: %s, env: {DAISY_IT_OUT: "%s"}}
        slurm: {poll_interval: 1s, time: "00:10:00", mem: 200M, cpus_per_task: 1}
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [%d]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            num_workers: 2
            process: {command: 'sleep %s; echo "$DAISY_TASK $DAISY_BLOCK_ID" >> "$DAISY_IT_OUT"'}
        """.formatted(name, tmp.resolve("run"), LauncherRun.JAVA, LauncherRun.WORKER_JVM_OPTIONS, out, blocks * 10,
        seconds);
    Path config = tmp.resolve(file);
    Files.writeString(config, yaml);
    return config;
  }

  /** SIGTERM while blocks run: exit 130, and the queue holds no job of the run when daisy-launch has exited. */
  @Test
  void sigtermMidRunCancelsEveryJobBeforeExiting130() throws Exception {
    SlurmCluster.require();
    String name = runName("sigterm");
    String prefix = "daisy-" + name + "-";
    Path out = tmp.resolve("blocks.txt");
    LauncherRun r = LauncherRun.start(tmp, "launch", config(name, 200, "0.2", out, "c.yaml"));
    try {
      r.await("the first block", RUN_TIMEOUT, () -> !LauncherRun.lines(out).isEmpty());
      System.out.printf("[slurm-it] sigterm: first block %.2f s after launching daisy-launch%n", r.secondsSinceStart());
      List<SlurmCluster.Job> before = SlurmCluster.jobs(prefix);
      r.process.destroy(); // SIGTERM
      int code = r.awaitExit(RUN_TIMEOUT);
      List<SlurmCluster.Job> left = SlurmCluster.jobs(prefix);
      assertEquals(130, code, r.output());
      assertFalse(before.isEmpty(), "jobs were running when SIGTERM came");
      assertEquals(List.of(), left, "jobs of the run still queued after daisy-launch exited");
      assertTrue(r.stderr().contains("SIGTERM"), r.output());
      String summary = Files.readString(tmp.resolve("run/summary.json"));
      assertTrue(summary.contains("\"state\":\"interrupted\""), summary);
      Recovery log = CheckpointLog.recover(tmp.resolve("run/checkpoint.log"));
      assertTrue(log.done(0).cardinality() < 200, "interrupted mid-run");
      assertTrue(Files.readString(tmp.resolve("run/daisy-launch.log")).contains("cancelling"),
          "the launcher cancelled the jobs itself");
    } finally {
      r.kill();
      SlurmCluster.cancelAll(prefix);
    }
  }

  /**
   * SIGKILL leaves the launcher no chance to cancel anything. The orphaned workers leave by
   * themselves (no heartbeat) or are cancelled by the resumed run, which completes without
   * running again any block that was in the checkpoint log at the kill.
   */
  @Test
  void resumeAfterSigkillRunsOnlyTheBlocksNotLoggedAndLeavesNoJob() throws Exception {
    SlurmCluster.require();
    String name = runName("resume");
    String prefix = "daisy-" + name + "-";
    Path log = tmp.resolve("run/checkpoint.log");
    Path out1 = tmp.resolve("blocks-1.txt");
    Path out2 = tmp.resolve("blocks-2.txt");
    int total = 100;
    LauncherRun first = LauncherRun.start(tmp, "launch-1", config(name, total, "0.1", out1, "first.yaml"));
    LauncherRun second = null;
    try {
      first.await("3 blocks in the checkpoint log", RUN_TIMEOUT, () -> logged(log) >= 3);
      first.process.destroyForcibly(); // SIGKILL
      first.awaitExit(RUN_TIMEOUT);
      Recovery atKill = CheckpointLog.recover(log);
      BlockBitSet logged = atKill.done(0);
      assertTrue(logged.cardinality() >= 3 && logged.cardinality() < total, "killed mid-run: " + logged.cardinality());
      List<SlurmCluster.Job> orphans = SlurmCluster.jobs(prefix);
      System.out.println("[slurm-it] resume: " + logged.cardinality() + " blocks logged at the kill; jobs of the"
          + " killed launcher still queued: " + orphans);

      // the same pipeline; only where the blocks are written differs, to tell the runs apart
      second = LauncherRun.start(tmp, "launch-2", config(name, total, "0.1", out2, "second.yaml"), "--resume");
      int code = second.awaitExit(RUN_TIMEOUT);
      List<SlurmCluster.Job> left = SlurmCluster.jobs(prefix);
      assertEquals(0, code, second.output());
      assertEquals(List.of(), left, "orphans or jobs of the resumed run still queued");
      assertTrue(second.stdout().contains("resuming"), second.output());
      assertTrue(Files.readString(tmp.resolve("run/daisy-launch.log")).contains("cancelling jobs an earlier launch may have left"),
          "the resumed run cancelled what the killed one had submitted");

      List<String> rerun = LauncherRun.lines(out2);
      assertEquals(rerun.size(), new HashSet<>(rerun).size(), "a block ran twice in the resumed run: " + rerun);
      Set<Long> ids = new TreeSet<>();
      for (String line : rerun) {
        long id = Long.parseLong(line.substring(2));
        assertFalse(logged.get(id), "block " + id + " was in the checkpoint log at the kill and ran again");
        ids.add(id);
      }
      assertEquals(total - logged.cardinality(), ids.size(), "the resumed run ran every block not logged");
      Recovery end = CheckpointLog.recover(log);
      assertEquals(total, end.done(0).cardinality());
      for (String line : LauncherRun.lines(out1)) {
        assertTrue(end.done(0).get(Long.parseLong(line.substring(2))), line);
      }
    } finally {
      first.kill();
      if (second != null) {
        second.kill();
      }
      SlurmCluster.cancelAll(prefix);
    }
  }

  private static long logged(Path log) throws Exception {
    if (!Files.exists(log)) {
      return 0;
    }
    try {
      return CheckpointLog.recover(log).done(0).cardinality();
    } catch (CheckpointFormatException e) {
      return 0; // the header is still being written
    }
  }
}
