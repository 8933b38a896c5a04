package org.daisyjava.launcher.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.config.ConfigLoader;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.TaskConfig;
import org.daisyjava.launcher.run.GeometryFingerprint;
import org.daisyjava.launcher.run.LaunchException;
import org.daisyjava.launcher.run.RunDirectory;
import org.daisyjava.scheduler.server.SchedulerServer;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSnapshot;
import org.daisyjava.scheduler.state.TaskCounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs whose workers never reached the scheduler stop the run after two, with what to set;
 * the batch system is a scripted mock (sbatch hands out ids, squeue says every job is gone).
 */
class NeverConnectedJobsTest {
  private static final long SECOND = 1_000_000_000L;
  private static final String REASON = "2026-12-01 10:00:00.000 SEVERE worker 1@node: never connected: worker 1@node:"
      + " no scheduler answered at tcp://10.0.0.1:5000 within the connect timeout of 60000 ms; ...";
  @TempDir Path tmp;
  private final AtomicLong clock = new AtomicLong(1000 * SECOND);
  private final AtomicInteger nextJob = new AtomicInteger(100);
  private final SchedulerServer server = mock(SchedulerServer.class);
  private final CommandRunner runner = mock(CommandRunner.class);

  private ClusterBackend backend(int workers, RunDirectory[] dirOut) throws Exception {
    String yaml = """
        name: unit
        backend: slurm
        slurm: {poll_interval: 1s}
        worker: {max_restarts: 10}
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [40]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            num_workers: %d
            process: {command: "true"}
        """.formatted(workers);
    PipelineConfig config = ConfigLoader.parse(yaml, "unit.yaml", tmp, "unit");
    RunDirectory dir = RunDirectory.open(tmp.resolve("run"), false, GeometryFingerprint.of(config.geometries())).dir();
    dir.create(config.text(), config.tasks().stream().map(TaskConfig::name).toList(), false);
    dirOut[0] = dir;
    when(runner.run(anyList(), any(), any())).thenAnswer(inv -> {
      List<String> argv = inv.getArgument(0);
      String out = argv.get(0).equals("sbatch") ? nextJob.getAndIncrement() + "\n" : "";
      return new CommandRunner.Result(0, out, "");
    });
    return new ClusterBackend(new SlurmExecutor(), runner, config, dir, server, List.of("tcp://10.0.0.1:5000"),
        "abc123", clock::get);
  }

  /** A snapshot taken now (the backend judges an ended job only by a snapshot newer than its poll). */
  private ServerSnapshot snapshot(int workers, long lost) {
    TaskCounts counts = new TaskCounts(4, 0, 0, 0, 0, 0, 0, 4, false);
    return new ServerSnapshot(clock.get(), List.of(new TaskSnapshot("a", counts, true, workers, 0, lost, null)), List.of(), 0,
        false, false);
  }

  /**
   * The next poll sees which jobs ended; a later tick judges them (the backend waits for a server
   * snapshot newer than the poll, so that a task that just finished is not given new jobs).
   */
  private void pollAndJudge(ClusterBackend b, int workers) throws Exception {
    clock.addAndGet(SECOND);
    b.supervise(snapshot(workers, 0));
    clock.addAndGet(SECOND / 1000);
    b.supervise(snapshot(workers, 0));
  }

  private static void log(RunDirectory dir, String job, String text) throws Exception {
    Files.writeString(dir.logs("a").resolve(job + ".err"), text);
  }

  @Test
  void twoJobsThatNeverConnectedStopTheRunWithTheAddressesTheLogAndWhatToSet() throws Exception {
    RunDirectory[] dir = new RunDirectory[1];
    ClusterBackend b = backend(1, dir);
    b.supervise(snapshot(0, 0)); // submits 100_0
    log(dir[0], "100_0", "starting\n" + REASON + "\n");
    pollAndJudge(b, 0); // 100 gone: never connected (1 of 2), replaced by 101
    assertEquals("0 jobs running, 1 pending, 1 job never connected", b.status("a"), "not counted as lost");
    log(dir[0], "101_0", REASON + "\n");
    LaunchException e = assertThrows(LaunchException.class, () -> pollAndJudge(b, 0));
    assertEquals(ExitCode.CLUSTER, e.exitCode());
    String m = e.getMessage();
    for (String expected : List.of("task a: 2 worker jobs (100_0, 101_0) ended without any worker", "tcp://10.0.0.1:5000",
        dir[0].logs("a").resolve("101_0.err").toString(), "never connected: worker 1@node", "scheduler.host",
        "scheduler.port", "--resume")) {
      assertTrue(m.contains(expected), "missing '" + expected + "' in:\n" + m);
    }
    verify(server, never()).abandonTask(anyInt(), anyString());
  }

  @Test
  void onceAWorkerOfTheTaskReachedTheSchedulerEndedJobsAreOrdinaryLostWorkers() throws Exception {
    RunDirectory[] dir = new RunDirectory[1];
    ClusterBackend b = backend(2, dir);
    b.supervise(snapshot(0, 0)); // submits 100_0, 100_1
    b.supervise(snapshot(1, 0)); // one of them is at the scheduler
    log(dir[0], "100_0", REASON + "\n");
    log(dir[0], "100_1", REASON + "\n");
    pollAndJudge(b, 0);
    assertEquals("0 jobs running, 2 pending, 2 lost", b.status("a"));
  }

  @Test
  void jobsThatDiedForAnotherReasonAreLostWorkersNotUnreachableHeads() throws Exception {
    RunDirectory[] dir = new RunDirectory[1];
    ClusterBackend b = backend(2, dir);
    b.supervise(snapshot(0, 0));
    log(dir[0], "100_0", "slurm_script: line 24: /nonexistent/java: No such file or directory\n");
    pollAndJudge(b, 0);
    assertEquals("0 jobs running, 2 pending, 2 lost", b.status("a"), "100_1 has no log at all");
  }

  @Test
  void theTrackerAlone() throws Exception {
    NeverConnectedJobs n = new NeverConnectedJobs(2);
    Path log = tmp.resolve("x.err");
    Files.writeString(log, REASON + "\n");
    assertTrue(n.ended(1, "7", log));
    assertNull(n.verdict(1, "b", List.of("tcp://h:1")));
    assertEquals("1 job never connected", n.status(1));
    assertEquals("", n.status(0));
    TaskCounts c = new TaskCounts(4, 0, 0, 0, 0, 0, 0, 4, false);
    n.observe(new ServerSnapshot(0, List.of(new TaskSnapshot("a", c, true, 0, 0, 1, null),
        new TaskSnapshot("b", c, true, 0, 0, 0, null)), List.of(), 0, false, false));
    assertTrue(!n.ended(0, "8", log), "task 0 had a lost worker: it was reached");
  }
}
