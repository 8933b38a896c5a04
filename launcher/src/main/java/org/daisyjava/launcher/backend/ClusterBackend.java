package org.daisyjava.launcher.backend;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.config.BatchCommon;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.TaskConfig;
import org.daisyjava.launcher.run.LaunchException;
import org.daisyjava.launcher.run.RunDirectory;
import org.daisyjava.scheduler.server.SchedulerServer;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSnapshot;

/**
 * Workers as batch jobs, shared by every batch system ({@link GridExecutor} supplies the
 * specifics). Per task, one job array of {@code num_workers} elements as soon as the task has
 * ready blocks; every job of the run carries one job name, so one status call per poll
 * interval covers the whole run. A job that leaves the queue (or fails) while its task still has
 * work is asked about once ({@link GridExecutor#endingCommand}): one that completed (exit 0: the
 * walltime drain, or the task's end) is replaced; any other counts as a lost worker, is reported
 * with the batch system's reason and advice (TIMEOUT — raise slurm.time), and is replaced up to
 * {@code worker.max_restarts} per task ({@link RestartPolicy}); then the task is given up with a
 * reason quoting the last job's log. The job queue is only a hint: whether a worker is alive is
 * decided by its heartbeats (the server's business), so a missing job is never taken as proof of
 * success.
 *
 * <p>Arrays: the cluster's array size limit is read once per run (default 1000 if it cannot be);
 * more workers than that are submitted as several arrays.
 *
 * <p>Cleanup: pending jobs of a finished task are cancelled; at the end of the run, on Ctrl-C or
 * SIGTERM and on a fatal error, every job of the run is cancelled in batches and the backend
 * waits until the queue shows none. Job ids are also appended to {@code run_dir/jobs/submitted}
 * so that a resumed run can cancel what a killed launcher left behind.
 */
public final class ClusterBackend implements Backend {
  private static final Logger LOG = Logger.getLogger(ClusterBackend.class.getName());
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  private static final Duration CANCEL_WAIT = Duration.ofSeconds(60);
  private static final int CANCEL_BATCH = 100;
  /** The array size limit when the cluster's cannot be read (LSF's and SLURM's default is 1000/1001). */
  static final int DEFAULT_ARRAY_LIMIT = 1000;
  /** How many different job endings per task the summary keeps. */
  private static final int KEPT_ENDINGS = 5;

  private final GridExecutor grid;
  private final CommandRunner runner;
  /** Where submissions and cancels are reported (the run's event stream). */
  private JobEvents jobEvents = JobEvents.NONE;
  private final PipelineConfig config;
  private final RunDirectory dir;
  private final SchedulerServer server;
  private final String jobName;
  private final String runId;
  private final List<String> addresses;
  private final Duration pollInterval;
  private final List<TaskJobs> tasks = new ArrayList<>();
  private final RestartPolicy restarts;
  /** The most elements one array may have; read at the first submission. */
  private int arrayLimit;
  private final NeverConnectedJobs neverConnected;
  private long nextPollNanos;
  private int pollFailures;
  private long statusCalls;
  /** The clock of polls and back-off (System::nanoTime; tests step it by hand). */
  private final LongSupplier clock;
  private final long startedNanos;

  /** A submitted job (array element) as last seen in the queue. */
  private static final class Job {
    final String id;
    /** The array it belongs to (the id its batch system is asked about). */
    final String arrayId;
    JobState state = JobState.PENDING;
    /** When a poll first showed it ended (the backend's clock), or -1. */
    long endSeenAt = -1;
    boolean accounted;

    Job(String id, String arrayId) {
      this.id = id;
      this.arrayId = arrayId;
    }
  }

  /** The jobs of one task and how often its workers died. */
  private static final class TaskJobs {
    final TaskConfig task;
    final List<Job> jobs = new ArrayList<>();
    /** How this task's lost jobs ended (reason to count), for the summary. */
    final Map<String, Integer> endings = new LinkedHashMap<>();
    int submissions;
    boolean active;

    TaskJobs(TaskConfig task) {
      this.task = task;
    }

    /**
     * Jobs that hold a worker's place: alive, or ended but not yet accounted for (see
     * {@link ClusterBackend#countDeaths}), so that a worker is not replaced before it is known
     * whether its task still needs it.
     */
    int placed() {
      int n = 0;
      for (Job j : jobs) {
        if (j.state.alive() || !j.accounted) {
          n++;
        }
      }
      return n;
    }

    int alive() {
      int n = 0;
      for (Job j : jobs) {
        if (j.state.alive()) {
          n++;
        }
      }
      return n;
    }

    int count(JobState s) {
      int n = 0;
      for (Job j : jobs) {
        if (j.state == s) {
          n++;
        }
      }
      return n;
    }
  }

  ClusterBackend(GridExecutor grid, CommandRunner runner, PipelineConfig config, RunDirectory dir,
      SchedulerServer server, List<String> addresses, String runId) {
    this(grid, runner, config, dir, server, addresses, runId, System::nanoTime);
  }

  ClusterBackend(GridExecutor grid, CommandRunner runner, PipelineConfig config, RunDirectory dir,
      SchedulerServer server, List<String> addresses, String runId, LongSupplier clock) {
    this.clock = clock;
    this.startedNanos = clock.getAsLong();
    this.grid = grid;
    this.runner = runner;
    this.config = config;
    this.dir = dir;
    this.server = server;
    this.addresses = addresses;
    this.runId = runId;
    this.jobName = jobName(config, runId);
    this.pollInterval = config.batch().get(grid.section()).common().pollInterval();
    for (TaskConfig t : config.tasks()) {
      tasks.add(new TaskJobs(t));
    }
    this.restarts = new RestartPolicy(server, tasks.size(), config.worker().maxRestarts());
    this.neverConnected = new NeverConnectedJobs(tasks.size());
  }

  /** {@code daisy-<run name>-<run id>}: one name for every job of one launch. */
  static String jobName(PipelineConfig config, String runId) {
    return "daisy-" + config.name() + "-" + runId;
  }

  public String jobName() {
    return jobName;
  }

  /** Status calls made so far (one per poll interval at most). */
  public long statusCalls() {
    return statusCalls;
  }

  @Override
  public void supervise(ServerSnapshot snapshot) throws LaunchException {
    neverConnected.observe(snapshot);
    long now = clock.getAsLong();
    if (now >= nextPollNanos) {
      poll(now);
    }
    for (int t = 0; t < tasks.size(); t++) {
      TaskJobs tj = tasks.get(t);
      TaskSnapshot ts = snapshot.tasks().get(t);
      boolean finished = ts.counts().finished();
      countDeaths(t, tj, finished, snapshot.takenAtNanos());
      LaunchException unreachable = neverConnected.verdict(t, tj.task.name(), addresses);
      if (unreachable != null) {
        throw unreachable;
      }
      if (finished) {
        cancelPending(tj);
        continue;
      }
      if (restarts.givenUp(t)) {
        continue;
      }
      tj.active |= ts.hasReady();
      int missing = tj.task.numWorkers() - tj.placed();
      if (tj.active && missing > 0) {
        submit(tj, missing);
      }
    }
  }

  /**
   * Jobs that ended while their task still had work: each is asked about once (one call per
   * array); one that completed left by itself (drained) and is replaced, any other is a lost
   * worker, replaced or given up by the restart policy.
   *
   * <p>Race avoided: a worker leaves (exit 0) right after the server finished its task, and the
   * poll that shows the job ended may come before the snapshot that shows the task finished. So
   * an ended job is judged only against a snapshot taken after the poll that saw it end (the
   * server's clock is System.nanoTime, as is this backend's outside tests); until then it keeps
   * its place and is not replaced.
   */
  private void countDeaths(int t, TaskJobs tj, boolean finished, long snapshotTakenAt) {
    List<Job> ended = new ArrayList<>();
    for (Job j : tj.jobs) {
      if (j.accounted || j.state.alive()) {
        continue;
      }
      if (!finished && j.endSeenAt >= 0 && snapshotTakenAt - j.endSeenAt <= 0) {
        continue; // the snapshot may not know yet that the task is finished: judge next tick
      }
      j.accounted = true;
      if (!finished && j.state != JobState.DONE) {
        ended.add(j);
      }
    }
    if (ended.isEmpty()) {
      return;
    }
    Map<String, JobEnding> endings = endings(ended);
    for (Job j : ended) {
      JobEnding e = endings.getOrDefault(j.id, j.state == JobState.FAILED
          ? new JobEnding(JobEnding.Cause.FAILED, null, "") : JobEnding.unknown());
      if (e.cause() == JobEnding.Cause.COMPLETED) {
        LOG.info("worker job " + j.id + " of task " + tj.task.name() + " left by itself (exit 0,"
            + " e.g. drained before its walltime); replacing it");
        continue;
      }
      Path log = logOf(tj, j);
      if (neverConnected.ended(t, j.id, log)) {
        LOG.warning("worker job " + j.id + " of task " + tj.task.name() + " ended before any worker of the"
            + " task reached the scheduler (" + neverConnected.count(t) + " of " + NeverConnectedJobs.LIMIT
            + " before the run stops); log " + log);
        continue;
      }
      String reason = describe(e, tj.task, log);
      tj.endings.merge(reason, 1, Integer::sum);
      if (tj.endings.size() > KEPT_ENDINGS) {
        tj.endings.remove(tj.endings.keySet().iterator().next());
      }
      restarts.death(t, tj.task.name(), "worker job " + j.id, "ended: " + reason,
          "; its log " + log + " ends with:\n" + LocalBackend.tail(log, 8));
    }
  }

  /** Asks the batch system once per array how the given jobs ended; unknown ones are missing. */
  private Map<String, JobEnding> endings(List<Job> ended) {
    Map<String, JobEnding> out = new LinkedHashMap<>();
    Set<String> arrays = new LinkedHashSet<>();
    ended.forEach(j -> arrays.add(j.arrayId));
    for (String array : arrays) {
      try {
        CommandRunner.Result r = runner.run(grid.endingCommand(array), null, COMMAND_TIMEOUT);
        if (r.ok()) {
          out.putAll(grid.parseEndings(r.stdout()));
        } else {
          LOG.fine("cannot learn how job " + array + " ended: " + r.message());
        }
      } catch (IOException e) {
        LOG.fine("cannot learn how job " + array + " ended: " + e.getMessage());
      }
    }
    return out;
  }

  /**
   * How a lost job ended, with advice where the batch system says enough: {@code TIMEOUT — raise
   * slurm.time (now 00:01:00)}, {@code exit 137 (SIGKILL: out of memory?)}; for a plain failure,
   * the worker log's last line (a worker that never reached the scheduler says why there).
   */
  String describe(JobEnding e, TaskConfig task, Path log) {
    String section = grid.section().key();
    var settings = grid.settings(task);
    String detail = e.detail().isEmpty() ? "" : " (" + e.detail() + ")";
    return switch (e.cause()) {
      case TIMEOUT -> "TIMEOUT — raise " + section + "." + settings.walltimeKey() + " (now "
          + (settings.walltimeDirective() == null ? "the site's default" : settings.walltimeDirective()) + ")";
      case OUT_OF_MEMORY -> "OUT_OF_MEMORY — raise " + section + ".mem (now "
          + (settings.mem() == null ? "the site's default" : settings.mem()) + ")";
      case NODE_FAIL -> "NODE_FAIL — its node failed" + detail;
      case CANCELLED -> "CANCELLED by user" + detail;
      case FAILED -> (e.exitCode() == null ? "FAILED" + detail
          : "exit " + e.exitCode() + ExitStatus.explain(e.exitCode())) + lastLine(log);
      default -> "ended (the batch system no longer says how)" + lastLine(log);
    };
  }

  private static String lastLine(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      for (int i = lines.size() - 1; i >= 0; i--) {
        String l = lines.get(i).strip();
        if (!l.isEmpty()) {
          return "; its log's last line: " + (l.length() > 300 ? l.substring(0, 300) + "…" : l);
        }
      }
      return "; its log is empty";
    } catch (IOException | UncheckedIOException e) {
      return "";
    }
  }

  /** How each task's lost jobs ended (a few reasons with counts), for the summary. */
  @Override
  public Map<String, List<String>> workerLosses() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (TaskJobs tj : tasks) {
      if (!tj.endings.isEmpty()) {
        List<String> l = new ArrayList<>();
        tj.endings.forEach((reason, n) -> l.add(n + " x " + reason));
        out.put(tj.task.name(), l);
      }
    }
    return out;
  }

  private Path logOf(TaskJobs tj, Job j) {
    return grid.errorLog(dir.logs(tj.task.name()), j.id);
  }

  private void cancelPending(TaskJobs tj) {
    List<Job> pending = new ArrayList<>();
    for (Job j : tj.jobs) {
      if (j.state == JobState.PENDING || j.state == JobState.HELD) {
        pending.add(j);
      }
    }
    if (!pending.isEmpty()) {
      LOG.info("task " + tj.task.name() + " is finished: cancelling " + pending.size() + " pending jobs");
      List<String> ids = wholeArrays(pending, tj.jobs);
      cancel(ids);
      jobEvents.cancelled(tj.task.name(), ids);
      for (Job j : pending) {
        j.state = JobState.GONE;
        j.accounted = true;
      }
    }
  }

  /**
   * The ids to cancel {@code chosen}: an array's own id where all of its elements are chosen
   * ({@code scancel 123}, {@code bkill 123} end every element), the elements' ids elsewhere.
   */
  private static List<String> wholeArrays(List<Job> chosen, List<Job> all) {
    Map<String, Integer> elements = new LinkedHashMap<>();
    all.forEach(j -> elements.merge(j.arrayId, 1, Integer::sum));
    Map<String, List<String>> byArray = new LinkedHashMap<>();
    chosen.forEach(j -> byArray.computeIfAbsent(j.arrayId, k -> new ArrayList<>()).add(j.id));
    List<String> ids = new ArrayList<>();
    byArray.forEach((array, ids0) -> {
      if (ids0.size() == elements.get(array) && ids0.size() > 1) {
        ids.add(array);
      } else {
        ids.addAll(ids0);
      }
    });
    return ids;
  }

  /** Submits {@code count} workers of the task, as several arrays if the cluster's limit says so. */
  private void submit(TaskJobs tj, int count) throws LaunchException {
    if (arrayLimit == 0) {
      arrayLimit = readArrayLimit();
    }
    for (int left = count; left > 0; left -= arrayLimit) {
      submitArray(tj, Math.min(left, arrayLimit));
    }
  }

  /** The cluster's array size limit, asked once per run; the default if it does not say. */
  private int readArrayLimit() {
    List<String> argv = grid.arrayLimitCommand();
    try {
      CommandRunner.Result r = runner.run(argv, null, COMMAND_TIMEOUT);
      Matcher m = Pattern.compile(
          "(?m)^\\s*" + Pattern.quote(grid.arrayLimitKey()) + "\\s*=\\s*(\\d{1,9})\\b")
          .matcher(r.stdout());
      if (r.ok() && m.find() && Integer.parseInt(m.group(1)) > 0) {
        int limit = Integer.parseInt(m.group(1));
        LOG.fine(grid.arrayLimitKey() + " = " + limit);
        return limit;
      }
      LOG.info(String.join(" ", argv) + " did not say " + grid.arrayLimitKey() + "; arrays of at most "
          + DEFAULT_ARRAY_LIMIT + " jobs");
    } catch (IOException e) {
      LOG.info("cannot run " + String.join(" ", argv) + " (" + e.getMessage() + "); arrays of at most "
          + DEFAULT_ARRAY_LIMIT + " jobs");
    }
    return DEFAULT_ARRAY_LIMIT;
  }

  private void submitArray(TaskJobs tj, int count) throws LaunchException {
    int n = ++tj.submissions;
    Path script = dir.jobs().resolve(tj.task.name() + "-" + runId + "-" + n + ".sh");
    String text = render(tj.task, dir.keyFile(), count);
    try {
      Files.writeString(script, text);
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new LaunchException(ExitCode.CLUSTER, "cannot write job script " + script + ": " + e.getMessage());
    }
    Submission submission = new Submission(script, count, jobName, dir.logs(tj.task.name()));
    List<String> argv = grid.submitCommand(submission);
    CommandRunner.Result r;
    try {
      r = runner.run(argv, grid.submitInput(submission, text), COMMAND_TIMEOUT);
    } catch (IOException e) {
      throw new LaunchException(ExitCode.CLUSTER, "cannot submit worker jobs for task "
          + tj.task.name() + " (" + String.join(" ", argv) + "): " + e.getMessage());
    }
    if (!r.ok()) {
      throw new LaunchException(ExitCode.CLUSTER, argv.get(0) + " refused the worker jobs of task "
          + tj.task.name() + " (exit code " + r.exitCode() + "): " + r.message());
    }
    String id;
    try {
      id = grid.parseJobId(r.stdout());
    } catch (IllegalArgumentException e) {
      throw new LaunchException(ExitCode.CLUSTER, e.getMessage());
    }
    List<String> elements = grid.arrayElements(id, count);
    for (String e : elements) {
      tj.jobs.add(new Job(e, id));
    }
    LOG.info("submitted job " + id + " (" + count + " workers) for task " + tj.task.name() + ": " + script);
    jobEvents.submitted(tj.task.name(), id, count);
    try {
      StringBuilder lines = new StringBuilder();
      for (String e : elements) {
        lines.append(e).append(' ').append(jobName).append('\n');
      }
      Files.writeString(submittedFile(dir), lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      LOG.warning("cannot record job ids in " + submittedFile(dir) + ": " + e.getMessage());
    }
  }

  /**
   * {@code run_dir/jobs/submitted}: one line {@code ID JOBNAME} per submitted job (array element),
   * deleted once the run has seen the queue empty of its jobs.
   */
  static Path submittedFile(RunDirectory dir) {
    return dir.jobs().resolve("submitted");
  }

  /** The job script of {@code task} for an array of {@code count}: the template with this run's values. */
  String render(TaskConfig task, Path keyFile, int count) throws LaunchException {
    WorkerCommand cmd = WorkerCommand.of(config.worker().java(), config.worker(),
        WorkerCommand.ownClasspath(), addresses, task.name(), dir.root(), keyFile)
        .withEnv(task.env())
        .withSlots(WorkerSlots.of(config, task, grid));
    BatchCommon batch = grid.settings(task).common();
    if (batch.drainAfter() != null) {
      // the worker's own clock, in case the warning signal comes before the JVM can take it
      cmd = cmd.withDrainAfter(batch.drainAfter());
    }
    return new JobScripts(grid, config.name(), jobName, dir.root())
        .render(task, count, dir.logs(task.name()), cmd);
  }

  /** One status call for the whole run; on failure, poll less often (never hammer it). */
  private void poll(long now) {
    statusCalls++;
    CommandRunner.Result r;
    try {
      r = runStatus();
    } catch (IOException e) {
      r = new CommandRunner.Result(-1, "", e.getMessage());
    }
    if (!r.ok()) {
      pollFailures++;
      long backoff = Math.min(MAX_BACKOFF.toNanos(), pollInterval.toNanos() << Math.min(pollFailures, 10));
      nextPollNanos = now + backoff;
      LOG.warning("job status call failed (" + r.message() + "); next try in " + backoff / 1_000_000_000 + " s");
      return;
    }
    pollFailures = 0;
    nextPollNanos = now + pollInterval.toNanos();
    Map<String, JobState> states = grid.parseStatus(r.stdout());
    for (TaskJobs tj : tasks) {
      for (Job j : tj.jobs) {
        if (j.state != JobState.GONE) {
          j.state = states.getOrDefault(j.id, JobState.GONE);
          if (!j.state.alive() && j.endSeenAt < 0) {
            j.endSeenAt = now;
          }
        }
      }
    }
  }

  /** The run's status call; a "no such job" answer (an error for some batch systems) is empty. */
  private CommandRunner.Result runStatus() throws IOException {
    CommandRunner.Result r = runner.run(grid.statusCommand(jobName), null, COMMAND_TIMEOUT);
    return !r.ok() && grid.isEmptyAnswer(r) ? new CommandRunner.Result(0, "", r.stderr()) : r;
  }

  @Override
  public String status(String task) {
    for (TaskJobs tj : tasks) {
      if (tj.task.name().equals(task)) {
        int running = tj.count(JobState.RUNNING);
        int pending = tj.count(JobState.PENDING);
        String s = running + " job" + (running == 1 ? "" : "s") + " running";
        if (pending > 0) {
          s += ", " + pending + " pending";
        }
        if (tj.count(JobState.HELD) > 0) {
          s += ", " + tj.count(JobState.HELD) + " held";
        }
        int deaths = restarts.deaths(tasks.indexOf(tj));
        if (deaths > 0) {
          s += ", " + deaths + " lost";
        }
        String unreached = neverConnected.status(tasks.indexOf(tj));
        if (!unreached.isEmpty()) {
          s += ", " + unreached;
        }
        return s;
      }
    }
    return "";
  }

  @Override
  public void awaitExit(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (anyAlive() && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      poll(clock.getAsLong());
    }
  }

  private boolean anyAlive() {
    for (TaskJobs tj : tasks) {
      if (tj.alive() > 0) {
        return true;
      }
    }
    return false;
  }

  /** Cancels every job of the run still queued or running and waits until the queue is clear. */
  @Override
  public void stopAll() {
    List<String> alive = new ArrayList<>();
    int count = 0;
    for (TaskJobs tj : tasks) {
      List<Job> taskAlive = new ArrayList<>();
      for (Job j : tj.jobs) {
        if (j.state.alive()) {
          taskAlive.add(j);
        }
      }
      count += taskAlive.size();
      alive.addAll(wholeArrays(taskAlive, tj.jobs));
    }
    if (!alive.isEmpty()) {
      LOG.info("cancelling " + count + " jobs of the run");
      cancel(alive);
      jobEvents.cancelled(null, alive);
    }
    long deadline = System.nanoTime() + CANCEL_WAIT.toNanos();
    boolean clear = false;
    while (System.nanoTime() < deadline) {
      try {
        CommandRunner.Result r = runStatus();
        statusCalls++;
        // finished jobs may still be listed (bjobs -a): only live ones keep the queue busy
        List<String> left = new ArrayList<>();
        if (r.ok()) {
          grid.parseStatus(r.stdout()).forEach((id, state) -> {
            if (state.alive()) {
              left.add(id);
            }
          });
        }
        if (r.ok() && left.isEmpty()) {
          clear = true;
          break;
        }
        if (r.ok()) {
          // jobs submitted but not yet known to this backend (or cancels not yet applied)
          cancel(left);
        }
        Thread.sleep(500);
      } catch (IOException e) {
        LOG.warning("cannot list the run's jobs: " + e.getMessage());
        break;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (clear) {
      // nothing of this launch is left to cancel: a later --resume must not scancel these ids
      // (the batch system may give them to other jobs)
      try {
        Files.deleteIfExists(submittedFile(dir));
      } catch (IOException e) {
        LOG.warning("cannot delete " + submittedFile(dir) + ": " + e.getMessage());
      }
    } else {
      LOG.warning("jobs of the run may still be queued (job name " + jobName + "); their ids are in "
          + submittedFile(dir) + " for the next --resume to cancel");
    }
    double minutes = Math.max(1e-9, (clock.getAsLong() - startedNanos) / 60e9);
    LOG.info(String.format("job status calls: %d in %.1f min (%.1f per minute)", statusCalls, minutes,
        statusCalls / minutes));
  }

  private void cancel(List<String> ids) {
    cancel(jobName, ids);
  }

  @Override
  public void reportJobsTo(JobEvents events) {
    jobEvents = events;
  }

  /** Cancels {@code ids} of this launch (only jobs named {@code name}, unless null) in batches. */
  private void cancel(String name, List<String> ids) {
    cancel(ids, batch -> grid.cancelCommand(name, batch));
  }

  private void cancel(List<String> ids, Function<List<String>, List<String>> command) {
    Set<List<String>> sent = new HashSet<>();
    for (int i = 0; i < ids.size(); i += CANCEL_BATCH) {
      List<String> batch = ids.subList(i, Math.min(ids.size(), i + CANCEL_BATCH));
      List<String> argv = command.apply(batch);
      if (!sent.add(argv)) {
        continue; // a command without the ids (bkill -J name 0) is sent once
      }
      try {
        CommandRunner.Result r = runner.run(argv, null, COMMAND_TIMEOUT);
        if (!r.ok()) {
          LOG.fine("cancel: " + r.message());
        }
      } catch (IOException e) {
        LOG.warning("cannot cancel jobs " + batch + ": " + e.getMessage());
      }
    }
  }

  /** A batch system as a backend. */
  public static final class Factory implements BackendFactory {
    private final GridExecutor grid;
    private final CommandRunner runner;

    public Factory(GridExecutor grid, CommandRunner runner) {
      this.grid = grid;
      this.runner = runner;
    }

    @Override
    public String bindHost() {
      return "*";
    }

    @Override
    public GridExecutor grid() {
      return grid;
    }

    /**
     * Every task's job template can be read and uses known placeholders only: a typo in a custom
     * template is a config error (exit 2) before anything is created or submitted.
     */
    @Override
    public void checkAvailable(PipelineConfig config) throws LaunchException {
      for (TaskConfig t : config.tasks()) {
        JobScripts.check(grid, t);
      }
    }

    @Override
    public int dryRun(PipelineConfig config, RunDirectory dir, PrintStream out) throws LaunchException {
      checkAvailable(config);
      ClusterBackend b = new ClusterBackend(grid, runner, config, dir, null,
          SchedulerAddresses.of(config.scheduler().hosts(), 0).stream()
              .map(a -> a.replaceFirst(":0$", ":PORT")).toList(), "dryrun");
      try {
        Files.createDirectories(dir.jobs());
      } catch (IOException e) {
        throw new LaunchException(ExitCode.USAGE, "cannot create " + dir.jobs() + ": " + e.getMessage());
      }
      for (TaskConfig t : config.tasks()) {
        if (t.numWorkers() == 0) {
          out.println("# task " + t.name() + ": num_workers 0, no job: its workers are started elsewhere");
          continue;
        }
        Path script = dir.jobs().resolve(t.name() + "-dryrun.sh");
        String text = b.render(t, dir.keyFile(), t.numWorkers());
        try {
          Files.writeString(script, text);
        } catch (IOException e) {
          throw new LaunchException(ExitCode.USAGE, "cannot write " + script + ": " + e.getMessage());
        }
        Submission s = new Submission(script, t.numWorkers(), b.jobName(), dir.logs(t.name()));
        out.println("# " + script + " — would be submitted as: " + String.join(" ", grid.submitCommand(s))
            + (grid.submitInput(s, text) != null ? " < " + script : ""));
        out.print(text);
        out.println();
      }
      out.println("# dry run: nothing was submitted");
      return ExitCode.OK;
    }

    @Override
    public Backend create(PipelineConfig config, RunDirectory dir, SchedulerServer server, int port,
        String key) {
      byte[] id = new byte[3];
      new SecureRandom().nextBytes(id);
      ClusterBackend b = new ClusterBackend(grid, runner, config, dir, server,
          SchedulerAddresses.of(config.scheduler().hosts(), port), HexFormat.of().formatHex(id));
      b.cancelLeftovers();
      return b;
    }
  }

  /** Cancels jobs an earlier launch in this run directory submitted and did not clean up. */
  void cancelLeftovers() {
    Path file = submittedFile(dir);
    if (!Files.exists(file)) {
      return;
    }
    try {
      // job name -> ids; a line without a name (written by an older version) is cancelled by id
      Map<String, List<String>> byName = new TreeMap<>();
      List<String> unnamed = new ArrayList<>();
      int n = 0;
      for (String line : Files.readAllLines(file)) {
        String[] parts = line.strip().split("\\s+");
        if (parts[0].isEmpty()) {
          continue;
        }
        n++;
        if (parts.length > 1) {
          byName.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(parts[0]);
        } else {
          unnamed.add(parts[0]);
        }
      }
      if (n > 0) {
        LOG.info("cancelling jobs an earlier launch may have left: " + n + " ids");
      }
      byName.forEach((name, ids) -> cancel(ids, batch -> grid.cancelLeftoversCommand(name, batch)));
      if (!unnamed.isEmpty()) {
        cancel(unnamed, batch -> grid.cancelLeftoversCommand(null, batch));
      }
      Files.delete(file);
    } catch (IOException e) {
      LOG.warning("cannot read " + file + ": " + e.getMessage());
    }
  }
}
