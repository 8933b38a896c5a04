package org.daisyjava.launcher.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClusterBackend}'s decisions against a scripted batch system: the {@link CommandRunner}
 * is a mock answering sbatch, squeue and scancel, the scheduler a mock, the clock stepped by hand.
 */
class ClusterBackendTest {
  private static final long SECOND = 1_000_000_000L;
  private static final String JOB_NAME = "daisy-unit-abc123";

  @TempDir Path tmp;
  private final AtomicLong clock = new AtomicLong(1000 * SECOND);
  private final SchedulerServer server = mock(SchedulerServer.class);
  private final CommandRunner runner = mock(CommandRunner.class);
  /** Every command the backend ran, in order. */
  private final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
  private Responder sbatch;
  private Responder squeue;
  /** {@code scontrol show config} (the array limit) and {@code scontrol -o show job ID}. */
  private Responder scontrolConfig;
  private Responder scontrolJob;
  /** bsub's standard input (the script), per submission. */
  private final List<String> bsubInputs = Collections.synchronizedList(new ArrayList<>());

  /** How the scripted batch system answers one command. */
  private interface Responder {
    CommandRunner.Result apply(List<String> argv) throws IOException;
  }
  private int nextJobId = 100;

  @BeforeEach
  void scriptTheBatchSystem() throws IOException {
    sbatch = argv -> ok(nextJobId++ + "\n");
    squeue = argv -> ok("");
    scontrolConfig = argv -> {
      throw new IOException("Cannot run program \"scontrol\"");
    };
    scontrolJob = argv -> new CommandRunner.Result(1, "", "slurm_load_jobs error: Invalid job id specified");
    when(runner.run(anyList(), any(), any())).thenAnswer(inv -> {
      List<String> argv = inv.getArgument(0);
      calls.add(List.copyOf(argv));
      return switch (argv.get(0)) {
        case "sbatch" -> sbatch.apply(argv);
        case "squeue" -> squeue.apply(argv);
        case "scancel", "bkill" -> ok("");
        case "scontrol" -> argv.contains("config") ? scontrolConfig.apply(argv) : scontrolJob.apply(argv);
        case "bsub" -> {
          bsubInputs.add(inv.getArgument(1));
          yield ok("LSF is processing your request. Please wait ...\nJob <" + nextJobId++
              + "> is submitted to default queue <normal>.\n");
        }
        case "bjobs" -> ok("");
        case "bparams" -> ok("MAX_JOB_ARRAY_SIZE = 2\n");
        default -> throw new IOException("unexpected command " + argv);
      };
    });
  }

  private static CommandRunner.Result ok(String stdout) {
    return new CommandRunner.Result(0, stdout, "");
  }

  private PipelineConfig config(int maxRestarts, int workersA, boolean twoTasks) throws Exception {
    String task = """
          - name: %s
            total_roi: {offset: [0], shape: [40]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            num_workers: %d
            process: {command: "true"}
        """;
    String yaml = "name: unit\nbackend: slurm\nslurm: {poll_interval: 1s}\nworker: {max_restarts: "
        + maxRestarts + "}\ntasks:\n" + task.formatted("a", workersA) + (twoTasks ? task.formatted("b", 2) : "");
    return ConfigLoader.parse(yaml, "unit.yaml", tmp, "unit");
  }

  private RunDirectory runDir(PipelineConfig config) throws LaunchException {
    RunDirectory dir = RunDirectory.open(tmp.resolve("run"), false, GeometryFingerprint.of(config.geometries())).dir();
    dir.create(config.text(), config.tasks().stream().map(TaskConfig::name).toList(), false);
    return dir;
  }

  private ClusterBackend backend(PipelineConfig config, RunDirectory dir) {
    return new ClusterBackend(new SlurmExecutor(), runner, config, dir, server, List.of("tcp://10.0.0.1:5000"),
        "abc123", clock::get);
  }

  /**
   * Every task with ready blocks, none finished; taken "after" every poll (the scripted server's
   * state does not change, so it is never stale).
   */
  private static ServerSnapshot working(PipelineConfig config) {
    return working(config, Long.MAX_VALUE);
  }

  private static ServerSnapshot working(PipelineConfig config, long takenAt) {
    List<TaskSnapshot> tasks = new ArrayList<>();
    for (TaskConfig t : config.tasks()) {
      tasks.add(task(t.name(), false));
    }
    return new ServerSnapshot(takenAt, tasks, List.of(), 0, false, false);
  }

  private static TaskSnapshot task(String name, boolean finished) {
    TaskCounts counts = finished
        ? new TaskCounts(4, 4, 0, 0, 0, 0, 0, 0, true)
        : new TaskCounts(4, 0, 0, 0, 0, 0, 0, 4, false);
    return new TaskSnapshot(name, counts, !finished, 0, 0, 0, null);
  }

  private List<List<String>> callsOf(String command) {
    synchronized (calls) {
      return calls.stream().filter(c -> c.get(0).equals(command)).toList();
    }
  }

  private void advance(long millis) {
    clock.addAndGet(millis * 1_000_000L);
  }

  @Test
  void sbatchRefusingTheJobsEndsTheLaunchWithExitCode3QuotingSbatch() throws Exception {
    PipelineConfig config = config(10, 2, false);
    sbatch = argv -> new CommandRunner.Result(1, "", "sbatch: error: invalid partition specified: nope\n"
        + "sbatch: error: Batch job submission failed: Invalid partition name specified\n");
    ClusterBackend b = backend(config, runDir(config));
    LaunchException e = assertThrows(LaunchException.class, () -> b.supervise(working(config)));
    assertEquals(ExitCode.CLUSTER, e.exitCode());
    assertTrue(e.getMessage().contains("sbatch: error: invalid partition specified: nope"), e.getMessage());
    assertTrue(e.getMessage().contains("task a") && e.getMessage().contains("exit code 1"), e.getMessage());
  }

  @Test
  void sbatchMissingEndsTheLaunchWithExitCode3() throws Exception {
    PipelineConfig config = config(10, 2, false);
    sbatch = argv -> {
      throw new IOException("Cannot run program \"sbatch\": error=2, No such file or directory");
    };
    ClusterBackend b = backend(config, runDir(config));
    LaunchException e = assertThrows(LaunchException.class, () -> b.supervise(working(config)));
    assertEquals(ExitCode.CLUSTER, e.exitCode());
    assertTrue(e.getMessage().contains("Cannot run program \"sbatch\""), e.getMessage());
  }

  @Test
  void sbatchAnsweringWithoutAJobIdEndsTheLaunchWithExitCode3() throws Exception {
    PipelineConfig config = config(10, 2, false);
    sbatch = argv -> ok("Submitted batch job 12\n");
    ClusterBackend b = backend(config, runDir(config));
    LaunchException e = assertThrows(LaunchException.class, () -> b.supervise(working(config)));
    assertEquals(ExitCode.CLUSTER, e.exitCode());
    assertTrue(e.getMessage().contains("Submitted batch job 12"), e.getMessage());
  }

  @Test
  void oneArrayPerTaskAndOneSqueueByJobNamePerPollForTheWholeRun() throws Exception {
    PipelineConfig config = config(10, 3, true);
    RunDirectory dir = runDir(config);
    ClusterBackend b = backend(config, dir);
    assertEquals(JOB_NAME, b.jobName());

    b.supervise(working(config));
    List<List<String>> submits = callsOf("sbatch");
    assertEquals(2, submits.size(), calls.toString());
    assertEquals("--array=0-2", submits.get(0).get(2), "task a: 3 workers in one array");
    assertEquals("--array=0-1", submits.get(1).get(2), "task b: 2 workers in one array");
    for (List<String> s : submits) {
      String script = Files.readString(Path.of(s.get(3)));
      assertTrue(script.contains("#SBATCH --job-name=" + JOB_NAME + "\n"), "every job carries the run's name");
    }
    assertEquals(List.of("100_0 " + JOB_NAME, "100_1 " + JOB_NAME, "100_2 " + JOB_NAME, "101_0 " + JOB_NAME,
        "101_1 " + JOB_NAME), Files.readAllLines(ClusterBackend.submittedFile(dir)));

    squeue = argv -> ok("100_0 R\n100_1 R\n100_2 CG\n101_[0-1] PD\n");
    for (int i = 0; i < 50; i++) { // ticks within one poll interval: no further status call
      b.supervise(working(config));
      advance(10);
    }
    assertEquals(1, callsOf("squeue").size(), calls.toString());
    advance(1000);
    b.supervise(working(config));
    assertEquals(2, callsOf("squeue").size());
    assertEquals(List.of("squeue", "--noheader", "--array", "--name=" + JOB_NAME, "--format=%i %t"),
        callsOf("squeue").get(1));
    assertEquals(2, callsOf("sbatch").size(), "no job was lost, none replaced");
    assertEquals("3 jobs running", b.status("a"));
    assertEquals("0 jobs running, 2 pending", b.status("b"));
    assertEquals(2, b.statusCalls());
  }

  /** Every submission and every cancel reaches the run's event stream, with task and job ids. */
  @Test
  void submissionsAndCancelsAreReportedAsJobEvents() throws Exception {
    PipelineConfig config = config(10, 3, true);
    ClusterBackend b = backend(config, runDir(config));
    List<String> events = new ArrayList<>();
    b.reportJobsTo(new JobEvents() {
      @Override
      public void submitted(String task, String jobId, int workers) {
        events.add("submitted " + task + " " + jobId + " x" + workers);
      }

      @Override
      public void cancelled(String task, List<String> jobIds) {
        events.add("cancelled " + task + " " + jobIds);
      }
    });
    b.supervise(working(config));
    squeue = argv -> ok("100_0 R\n100_1 R\n100_2 R\n101_[0-1] PD\n");
    advance(1000);
    b.supervise(working(config));
    squeue = argv -> ok("");
    b.stopAll();
    assertEquals(List.of("submitted a 100 x3", "submitted b 101 x2", "cancelled null [100, 101]"), events);
  }

  @Test
  void aFailingSqueueIsRetriedLessAndLessOftenAndEndsNothing() throws Exception {
    PipelineConfig config = config(10, 2, false);
    ClusterBackend b = backend(config, runDir(config));
    squeue = argv -> new CommandRunner.Result(1, "", "slurm_load_jobs error: Unable to contact slurm controller");
    b.supervise(working(config)); // squeue fails (call 1), the array is submitted
    assertEquals(1, callsOf("squeue").size());
    assertEquals(1, callsOf("sbatch").size());

    advance(1500);
    b.supervise(working(config)); // a healthy poll would be due after 1 s; backing off: 2 s
    assertEquals(1, callsOf("squeue").size());
    advance(500);
    b.supervise(working(config)); // t = 2 s: call 2 fails; next after 4 s more
    assertEquals(2, callsOf("squeue").size());
    advance(3900);
    b.supervise(working(config));
    assertEquals(2, callsOf("squeue").size());
    squeue = argv -> ok("100_0 R\n100_1 R\n");
    advance(100);
    b.supervise(working(config)); // t = 6 s: call 3 succeeds, back to the poll interval
    assertEquals(3, callsOf("squeue").size());
    advance(1000);
    b.supervise(working(config));
    assertEquals(4, callsOf("squeue").size());

    assertEquals(1, callsOf("sbatch").size(), "jobs unseen while squeue failed are not taken for lost");
    assertEquals("2 jobs running", b.status("a"));
    verify(server, never()).abandonTask(anyInt(), anyString());
  }

  @Test
  void lostJobsAreReplacedUpToMaxRestartsThenTheTaskIsGivenUpQuotingTheLastLog() throws Exception {
    PipelineConfig config = config(2, 2, false);
    RunDirectory dir = runDir(config);
    for (String id : List.of("100_0", "100_1", "101_0", "101_1")) {
      Files.writeString(dir.logs("a").resolve(id + ".err"),
          "/var/spool/slurm/job" + id + "/slurm_script: line 24: /nonexistent/java: No such file or directory\n");
    }
    ClusterBackend b = backend(config, dir);
    b.supervise(working(config)); // submits 100_0, 100_1
    advance(1000);
    b.supervise(working(config)); // both gone from the queue: 2 deaths (of 2 restarts), replaced by 101_*
    assertEquals(2, callsOf("sbatch").size());
    assertEquals("--array=0-1", callsOf("sbatch").get(1).get(2));
    verify(server, never()).abandonTask(anyInt(), anyString());
    assertEquals("0 jobs running, 2 pending, 2 lost", b.status("a"));

    advance(1000);
    b.supervise(working(config)); // the replacements die too: no restarts left
    verify(server).abandonTask(eq(0), argThat(reason -> reason.contains("worker.max_restarts is 2")
        && reason.contains("101_0") && reason.contains("/nonexistent/java: No such file or directory")));
    for (int i = 0; i < 5; i++) {
      advance(1000);
      b.supervise(working(config));
    }
    assertEquals(2, callsOf("sbatch").size(), "a given-up task gets no more jobs");
  }

  @Test
  void jobsListedAsFailedWhileTheTaskHasWorkCountAsLostDoneOnesAreReplacedWithout() throws Exception {
    PipelineConfig config = config(10, 3, false);
    ClusterBackend b = backend(config, runDir(config));
    b.supervise(working(config));
    squeue = argv -> ok("100_0 F\n100_1 CD\n100_2 R\n");
    advance(1000);
    b.supervise(working(config));
    assertEquals(2, callsOf("sbatch").size());
    assertEquals("--array=0-1", callsOf("sbatch").get(1).get(2), "replacements for the failed and the done job");
    assertEquals("1 job running, 2 pending, 1 lost", b.status("a"), "exit 0 (a drained worker) is no death");
  }

  /**
   * Workers leave (exit 0) as soon as their task is finished; a poll that sees that before the
   * snapshot does must not replace them or count a death.
   */
  @Test
  void anEndedJobIsJudgedOnlyAgainstASnapshotTakenAfterThePollThatSawItEnd() throws Exception {
    PipelineConfig config = config(0, 2, false);
    ClusterBackend b = backend(config, runDir(config));
    b.supervise(working(config));
    squeue = argv -> ok("");
    advance(1000);
    long polledAt = clock.get();
    b.supervise(working(config, polledAt - 1)); // the poll sees both jobs gone; the snapshot is older
    assertEquals(1, callsOf("sbatch").size(), "not replaced on a stale snapshot");
    b.supervise(new ServerSnapshot(polledAt + 1, List.of(task("a", true)), List.of(), 0, true, false));
    assertEquals(1, callsOf("sbatch").size());
    assertTrue(callsOf("scontrol").stream().noneMatch(c -> c.contains("job")), "nothing to explain");
    verify(server, never()).abandonTask(anyInt(), anyString());
    assertEquals(java.util.Map.of(), b.workerLosses());
  }

  @Test
  void moreWorkersThanTheClusterAllowsInOneArrayAreSubmittedAsSeveralArrays() throws Exception {
    PipelineConfig config = config(10, 7, true);
    scontrolConfig = argv -> ok("Configuration data as of 2026-12-01T09:00:00\nMaxArraySize            = 3\n"
        + "MaxJobCount             = 10000\n");
    ClusterBackend b = backend(config, runDir(config));
    b.supervise(working(config));
    assertEquals(List.of("--array=0-2", "--array=0-2", "--array=0-0", "--array=0-1"),
        callsOf("sbatch").stream().map(c -> c.get(2)).toList(), "7 = 3 + 3 + 1 for a, 2 for b");
    assertEquals(1, callsOf("scontrol").size(), "the limit is read once per run");
    squeue = argv -> ok("100_[0-2] R\n101_[0-2] PD\n102_0 PD\n103_[0-1] R\n");
    advance(1000);
    b.supervise(working(config));
    assertEquals(4, callsOf("sbatch").size(), "every element of every array is known: none taken for lost");
    assertEquals("3 jobs running, 4 pending", b.status("a"));
  }

  @Test
  void anUnreadableLimitMeansArraysOfAtMostTheDefault() throws Exception {
    PipelineConfig config = config(10, 1001, false);
    ClusterBackend b = backend(config, runDir(config));
    b.supervise(working(config));
    assertEquals(List.of("--array=0-999", "--array=0-0"), callsOf("sbatch").stream().map(c -> c.get(2)).toList());
  }

  @Test
  void aJobKilledAtItsWalltimeIsReportedWithAdvice() throws Exception {
    PipelineConfig config = ConfigLoader.parse("""
        name: unit
        slurm: {poll_interval: 1s, time: 1m}
        worker: {max_restarts: 0}
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [40]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            num_workers: 2
            process: {command: "true"}
        """, "unit.yaml", tmp, "unit");
    scontrolJob = argv -> ok("JobId=101 ArrayJobId=100 ArrayTaskId=0 JobName=" + JOB_NAME + " UserId=root(0)"
        + " JobState=TIMEOUT Reason=TimeLimit Dependency=(null) ExitCode=0:15 RunTime=00:01:08\n"
        + "JobId=100 ArrayJobId=100 ArrayTaskId=1 JobName=" + JOB_NAME
        + " JobState=COMPLETED Reason=None ExitCode=0:0\n");
    ClusterBackend b = backend(config, runDir(config));
    b.supervise(working(config));
    advance(1000);
    b.supervise(working(config)); // both gone: asked once, for array 100
    assertEquals(List.of(List.of("scontrol", "-o", "show", "job", "100")),
        callsOf("scontrol").stream().filter(c -> c.contains("job")).toList());
    verify(server).abandonTask(eq(0), argThat(reason ->
        reason.contains("100_0, ended: TIMEOUT — raise slurm.time (now 00:01:00)")));
    assertEquals(java.util.Map.of("a", List.of("1 x TIMEOUT — raise slurm.time (now 00:01:00)")),
        b.workerLosses(), "the completed element is no loss");
  }

  @Test
  void aWorkerKilledBySigkillIsExplainedAndAPlainFailureQuotesItsLogsLastLine() throws Exception {
    PipelineConfig config = config(5, 2, false);
    RunDirectory dir = runDir(config);
    Files.writeString(dir.logs("a").resolve("100_1.err"), "starting\n/opt/none/java: No such file or directory\n\n");
    scontrolJob = argv -> ok("JobId=100 ArrayJobId=100 ArrayTaskId=0 JobState=FAILED Reason=NonZeroExitCode"
        + " ExitCode=0:9\nJobId=101 ArrayJobId=100 ArrayTaskId=1 JobState=FAILED Reason=NonZeroExitCode"
        + " ExitCode=127:0\n");
    ClusterBackend b = backend(config, dir);
    b.supervise(working(config));
    advance(1000);
    b.supervise(working(config));
    assertEquals(List.of("1 x exit 137 (SIGKILL: out of memory?)",
        "1 x exit 127 (command not found: check worker.java); its log's last line: /opt/none/java: No such file"
            + " or directory"), b.workerLosses().get("a"));
  }

  @Test
  void lsfGetsTheScriptOnStdinOneBjobsPerPollAndOneBasedElements() throws Exception {
    PipelineConfig config = ConfigLoader.parse("""
        name: unit
        lsf: {poll_interval: 1s, walltime: 2h, mem: 4G, cores: 2, queue: short}
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [40]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            num_workers: 3
            process: {command: "true"}
        """, "unit.yaml", tmp, "unit");
    RunDirectory dir = runDir(config);
    ClusterBackend b = new ClusterBackend(new LsfExecutor(), runner, config, dir, server,
        List.of("tcp://10.0.0.1:5000"), "abc123", clock::get);
    b.supervise(working(config));
    assertEquals(List.of(List.of("bsub"), List.of("bsub")), callsOf("bsub"), "MAX_JOB_ARRAY_SIZE = 2: 2 + 1");
    assertTrue(bsubInputs.get(0).contains("#BSUB -J \"" + JOB_NAME + "[1-2]\"\n"), bsubInputs.get(0));
    assertTrue(bsubInputs.get(1).contains("#BSUB -J \"" + JOB_NAME + "[1-1]\"\n"), bsubInputs.get(1));
    assertTrue(bsubInputs.get(0).contains("#BSUB -W 2:00\n#BSUB -wa USR1\n#BSUB -wt 0:05\n"), bsubInputs.get(0));
    assertTrue(bsubInputs.get(0).contains("#BSUB -M 4GB\n#BSUB -R \"rusage[mem=4GB]\"\n"), bsubInputs.get(0));
    assertEquals(List.of("100[1] " + JOB_NAME, "100[2] " + JOB_NAME, "101[1] " + JOB_NAME),
        Files.readAllLines(ClusterBackend.submittedFile(dir)));
    b.stopAll();
    assertEquals(List.of("bkill", "100", "101[1]"), callsOf("bkill").get(0),
        "array 100 whole by its id; 101 has one element, named as such");
    assertEquals(List.of("bjobs", "-a", "-noheader", "-o", "jobid jobindex stat", "-J", JOB_NAME),
        callsOf("bjobs").get(0));
  }

  @Test
  void lsfLeftoversOfAKilledLaunchAreKilledByTheirJobNameNotByRecordedIds() throws Exception {
    PipelineConfig config = config(10, 2, false);
    RunDirectory dir = runDir(config);
    Files.writeString(ClusterBackend.submittedFile(dir),
        "7[1] daisy-unit-old111\n7[2] daisy-unit-old111\n9[1] daisy-unit-old222\n");
    new ClusterBackend.Factory(new LsfExecutor(), runner).create(config, dir, server, 5000, "key");
    assertEquals(List.of(
        List.of("bkill", "-J", "daisy-unit-old111", "0"),
        List.of("bkill", "-J", "daisy-unit-old222", "0")), callsOf("bkill"));
  }

  @Test
  void pendingJobsOfAFinishedTaskAreCancelledRunningOnesLeftToLeave() throws Exception {
    PipelineConfig config = config(10, 3, false);
    ClusterBackend b = backend(config, runDir(config));
    b.supervise(working(config));
    squeue = argv -> ok("100_0 R\n100_1 PD\n100_2 S\n");
    advance(1000);
    b.supervise(new ServerSnapshot(0, List.of(task("a", true)), List.of(), 0, true, false));
    assertEquals(List.of(List.of("scancel", "--name=" + JOB_NAME, "100_1", "100_2")), callsOf("scancel"));
    squeue = argv -> ok("");
    advance(1000);
    b.supervise(new ServerSnapshot(0, List.of(task("a", true)), List.of(), 0, true, false));
    assertEquals(1, callsOf("sbatch").size(), "jobs that leave after the task finished are not replaced");
    verify(server, never()).abandonTask(anyInt(), anyString());
  }

  @Test
  void stopAllCancelsInBatchesWaitsForAnEmptyQueueAndForgetsTheIds() throws Exception {
    PipelineConfig config = config(10, 250, false);
    RunDirectory dir = runDir(config);
    ClusterBackend b = backend(config, dir);
    b.supervise(working(config));
    assertEquals(250, Files.readAllLines(ClusterBackend.submittedFile(dir)).size());
    // 100_0 already left: the array is not cancelled whole
    StringBuilder queue = new StringBuilder();
    for (int i = 1; i < 250; i++) {
      queue.append("100_").append(i).append(" R\n");
    }
    squeue = argv -> ok(queue.toString());
    advance(1000);
    b.supervise(working(config));
    // the first check after cancelling still lists a job in CG, the second none
    List<String> answers = new ArrayList<>(List.of("100_7 CG\n", ""));
    squeue = argv -> ok(answers.isEmpty() ? "" : answers.remove(0));
    b.stopAll();
    List<List<String>> cancels = callsOf("scancel");
    assertEquals(List.of(102, 102, 52, 3), cancels.stream().map(List::size).toList(),
        "249 elements of 100 and the replacement 101_0 in batches of 100 with scancel --name=..., then the"
            + " straggler: " + cancels);
    for (List<String> c : cancels) {
      assertEquals("--name=" + JOB_NAME, c.get(1));
    }
    assertEquals(List.of("scancel", "--name=" + JOB_NAME, "100_7"), cancels.get(3));
    assertEquals(4, callsOf("squeue").size(), "two polls while running, two while stopping");
    assertFalse(Files.exists(ClusterBackend.submittedFile(dir)), "nothing left to clean up for a later --resume");
  }

  @Test
  void wholeArraysAreCancelledByTheirOwnIdElementsByTheirs() throws Exception {
    PipelineConfig config = config(10, 3, true);
    ClusterBackend b = backend(config, runDir(config));
    b.supervise(working(config)); // 100_0..2 for a, 101_0..1 for b
    squeue = argv -> ok("100_0 R\n100_[1-2] PD\n101_0 R\n101_1 PD\n");
    advance(1000);
    b.supervise(new ServerSnapshot(Long.MAX_VALUE, List.of(task("a", true), task("b", false)), List.of(), 0,
        false, false));
    assertEquals(List.of(List.of("scancel", "--name=" + JOB_NAME, "100_1", "100_2")), callsOf("scancel"),
        "a's pending elements; its running one is left to leave");
    squeue = argv -> ok("");
    b.stopAll();
    assertEquals(List.of("scancel", "--name=" + JOB_NAME, "100_0", "101"), callsOf("scancel").get(1),
        "b's array is alive whole: its id; of a's, only 100_0 is still alive");
  }

  @Test
  void stopAllKeepsTheIdsWhenTheQueueCannotBeRead() throws Exception {
    PipelineConfig config = config(10, 2, false);
    RunDirectory dir = runDir(config);
    ClusterBackend b = backend(config, dir);
    b.supervise(working(config));
    squeue = argv -> {
      throw new IOException("Cannot run program \"squeue\": error=2, No such file or directory");
    };
    b.stopAll();
    assertEquals(1, callsOf("scancel").size());
    assertTrue(Files.exists(ClusterBackend.submittedFile(dir)), "a later --resume must still cancel them");
  }

  @Test
  void aNewLaunchCancelsWhatAKilledOneLeftOnlyUnderItsJobNames() throws Exception {
    PipelineConfig config = config(10, 2, false);
    RunDirectory dir = runDir(config);
    Files.writeString(ClusterBackend.submittedFile(dir),
        "7_0 daisy-unit-old111\n7_1 daisy-unit-old111\n9_0 daisy-unit-old222\n\n12_3\n");
    new ClusterBackend.Factory(new SlurmExecutor(), runner).create(config, dir, server, 5000, "key");
    assertEquals(List.of(
        List.of("scancel", "--name=daisy-unit-old111", "7_0", "7_1"),
        List.of("scancel", "--name=daisy-unit-old222", "9_0"),
        List.of("scancel", "12_3")), callsOf("scancel"));
    assertFalse(Files.exists(ClusterBackend.submittedFile(dir)));
    assertTrue(callsOf("sbatch").isEmpty());
  }

  @Test
  void awaitExitPollsUntilTheJobsHaveLeft() throws Exception {
    PipelineConfig config = config(10, 2, false);
    ClusterBackend b = backend(config, runDir(config));
    b.supervise(working(config));
    List<String> answers = new ArrayList<>(List.of("100_0 CG\n", ""));
    squeue = argv -> ok(answers.isEmpty() ? "" : answers.remove(0));
    b.awaitExit(java.time.Duration.ofMinutes(5));
    assertEquals(3, callsOf("squeue").size(), "one at the first tick, then until the queue is empty");
    assertEquals("0 jobs running", b.status("a"));
  }
}
