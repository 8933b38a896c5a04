package org.daisyjava.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.daisyjava.launcher.backend.Backend;
import org.daisyjava.launcher.backend.BackendFactory;
import org.daisyjava.launcher.backend.ExternalWorkers;
import org.daisyjava.launcher.backend.JobEvents;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.TaskConfig;
import org.daisyjava.launcher.observe.RunEnding;
import org.daisyjava.launcher.observe.RunEvents;
import org.daisyjava.launcher.observe.RunListener;
import org.daisyjava.launcher.observe.RunModel;
import org.daisyjava.launcher.progress.Progress;
import org.daisyjava.launcher.progress.RunState;
import org.daisyjava.launcher.progress.SummaryOutput;
import org.daisyjava.launcher.run.GeometryFingerprint;
import org.daisyjava.launcher.run.LaunchException;
import org.daisyjava.launcher.run.RunDirectory;
import org.daisyjava.launcher.run.RunLock;
import org.daisyjava.launcher.run.WorkerKeys;
import org.daisyjava.launcher.web.RunOutputs;
import org.daisyjava.scheduler.checkpoint.Recovery;
import org.daisyjava.scheduler.server.BlockChecker;
import org.daisyjava.scheduler.server.CheckpointRecorder;
import org.daisyjava.scheduler.server.SchedulerServer;
import org.daisyjava.scheduler.server.ServerSettings;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSettings;
import org.daisyjava.scheduler.state.DoneBlocks;
import org.daisyjava.scheduler.state.FailureLimit;
import org.daisyjava.scheduler.state.SchedulingState;
import org.daisyjava.scheduler.state.TaskCounts;

/**
 * One launch of a run whose directory this launcher has locked, in five phases: {@link #prepare}
 * (the run directory, its log file, the checkpoint log, the scheduling state, the server and the
 * listeners), {@link #start} (the scheduler listens, the backend starts), {@link #supervise} (the
 * loop that feeds the backend and the listeners until the run ends), {@link #shutDown} (workers
 * stopped, jobs cancelled, the log flushed) and {@link #report} (every listener learns how it
 * ended: status.json, summary.json and the printed summary, events.jsonl, the statistics,
 * report.html, the live page). Each phase runs once, in that order.
 */
final class RunSession {
  private static final Logger LOG = Logger.getLogger(RunSession.class.getName());
  private static final long TICK_MILLIS = 50;
  /** How long finished workers get to say goodbye before they are stopped. */
  private static final Duration WORKER_EXIT_GRACE = Duration.ofSeconds(10);
  /** The run directory is checked for removal every this many ticks (about once a second). */
  private static final long DIRECTORY_CHECK_TICKS = 1000 / TICK_MILLIS;

  /** How the supervising loop ended; what the shutdown and the report go by. */
  sealed interface Ending {
    /** The scheduler did all it could (every block done, or some failed or orphaned). */
    record Finished() implements Ending {}

    /** SIGINT or SIGTERM. */
    record Interrupted(String signal) implements Ending {}

    /** The run could not go on: the cluster refused or lost it, the disk failed. */
    record Failed(LaunchException cause) implements Ending {}
  }

  private final PipelineConfig config;
  private final LaunchOptions options;
  private final BackendFactory backends;
  private final RunDirectory dir;
  private final RunLock lock;
  private final GeometryFingerprint geometry;
  private final Recovery recovery;
  private final boolean replaceUnstarted;
  private final SignalTrap signals;
  private final PrintStream out;
  private final PrintStream err;
  private final List<RunListener> userListeners;

  // made by prepare()
  private WorkerKeys keys;
  private Handler logFile;
  private CheckpointRecorder log;
  private SchedulerServer server;
  private RunEvents run;
  private long startedNanos;
  private Progress progress;
  // made by start(); null until then and after shutDown()
  private Backend backend;

  RunSession(PipelineConfig config, LaunchOptions options, BackendFactory backends, RunDirectory dir,
      RunLock lock, GeometryFingerprint geometry, Recovery recovery, boolean replaceUnstarted,
      SignalTrap signals, PrintStream out, PrintStream err, List<RunListener> listeners) {
    this.config = config;
    this.options = options;
    this.backends = backends;
    this.dir = dir;
    this.lock = lock;
    this.geometry = geometry;
    this.recovery = recovery;
    this.replaceUnstarted = replaceUnstarted;
    this.signals = signals;
    this.out = out;
    this.err = err;
    this.userListeners = List.copyOf(listeners);
  }

  /** All five phases; a failed run ends in its LaunchException (after it was reported). */
  Launch.Result run() throws LaunchException {
    try {
      prepare();
      Ending ending;
      try {
        start();
        ending = supervise();
      } catch (LaunchException e) {
        ending = new Ending.Failed(e);
      }
      Map<String, List<String>> losses = shutDown(ending);
      if (ending instanceof Ending.Finished && log.failure() != null) {
        ending = new Ending.Failed(Launch.checkpointFault(log, dir)); // it failed while the run was ending
      }
      return report(ending, losses);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LaunchException(ExitCode.INTERRUPTED, "interrupted");
    } finally {
      release();
    }
  }

  /** Phase 1: everything the run needs, nothing started yet. */
  private void prepare() throws LaunchException {
    keys = WorkerKeys.generate(config.scheduler().encryption());
    dir.create(config.text(), config.tasks().stream().map(TaskConfig::name).toList(), keys, replaceUnstarted);
    logFile = logToRunDir(dir);
    lock.logTakeOver();
    if (replaceUnstarted) {
      out.println("daisy-launch: " + dir.root() + " held a run that ended before any block was done;"
          + " starting it afresh");
    }
    if (recovery != null) {
      String report = recovery.report();
      out.println("daisy-launch: resuming " + dir.root() + ": " + report);
      LOG.info("resuming: " + report);
    }
    log = openLog();

    int n = config.tasks().size();
    int[] retries = new int[n];
    FailureLimit[] maxFailures = new FailureLimit[n];
    DoneBlocks[] resumed = new DoneBlocks[n];
    LongPredicate[] doneBefore = new LongPredicate[n];
    List<TaskSettings> taskSettings = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      TaskConfig tc = config.tasks().get(t);
      retries[t] = tc.maxRetries();
      maxFailures[t] = tc.maxFailures();
      if (recovery != null) {
        resumed[t] = recovery.done(t);
        doneBefore[t] = resumed[t]::contains;
      }
      BlockChecker checker = backends.checker(tc, dir, config.worker().classpath());
      taskSettings.add(new TaskSettings(backends.bringsOwnCode() ? null : tc.process(), tc.timeout(), checker));
    }
    SchedulingState state = new SchedulingState(config.graph(), retries, maxFailures, resumed);
    ServerSettings settings = new ServerSettings(backends.bindHost(),
        config.scheduler().portLow(), config.scheduler().portHigh(),
        config.scheduler().heartbeatInterval(), config.scheduler().heartbeatLiveness(), keys.server(),
        dir.root().toString(), taskSettings, expectedWorkers());
    server = new SchedulerServer(state, settings, log);
    server.whenFinished(signals::wake); // the launch loop need not sleep out its tick
    log.attach(server);
    startedNanos = System.nanoTime();
    // the progress display asks the backend once there is one
    progress = new Progress(out, System.console() != null, options.quiet(),
        config.scheduler().statusInterval(), dir.statusFile(),
        name -> backend == null ? null : backend.status(name));
    run = RunOutputs.standard(new RunModel.RunInfo(config.name(), dir.root().toString(),
        Launch.backendName(config, options), config.graph()), dir, config.scheduler().web(), out,
        List.of(progress, new SummaryOutput(dir, out)), userListeners, startedNanos, doneBefore);
    server.observe(run.observer());
  }

  /**
   * Phase 2: the scheduler listens, the backend starts its first workers (or submits their jobs),
   * and then the run's first documents are written (status.json, run_started). In that order
   * because a worker takes longer to reach the scheduler (a JVM starting) than the launcher takes
   * to write them (its first JSON, which starts Jackson: 0.1–0.3 s measured), so the two overlap
   * instead of adding up; events a backend reports meanwhile wait for run_started
   * ({@link RunEvents}). A backend that fails at once still gets a run that started and ended.
   */
  private void start() throws LaunchException {
    int port;
    try {
      port = server.start();
    } catch (RuntimeException e) {
      progress.start(server.snapshot());
      throw new LaunchException(ExitCode.USAGE, "cannot start the scheduler: " + e.getMessage());
    }
    LOG.info("scheduler listening on port " + port);
    backend = backends.create(config, dir, server, port, keys.workerFileText());
    backend.reportJobsTo(new JobEvents() {
      @Override
      public void submitted(String task, String jobId, int workers) {
        run.jobsSubmitted(task, jobId, workers);
      }

      @Override
      public void cancelled(String task, List<String> jobIds) {
        run.jobsCancelled(task, jobIds);
      }
    });
    LaunchException refused = null;
    try {
      backend.supervise(server.snapshot());
    } catch (LaunchException e) {
      refused = e;
    }
    progress.start(server.snapshot()); // status.json from the first second
    run.started();
    run.tick(server.snapshot());
    if (refused != null) {
      throw refused;
    }
    ExternalWorkers.announce(out, config, dir, backends, port);
  }

  /** Phase 3: until every task is finished, a signal arrives, or the run cannot go on. */
  private Ending supervise() throws LaunchException, InterruptedException {
    for (long tick = 0; ; tick++) {
      ServerSnapshot last = server.snapshot();
      if (last.allFinished() || last.stopped()) {
        return new Ending.Finished();
      }
      if (signals.caught() != null) {
        return new Ending.Interrupted(signals.caught());
      }
      LaunchException fault = Launch.fault(log, dir, lock, tick % DIRECTORY_CHECK_TICKS == 0);
      if (fault != null) {
        return new Ending.Failed(fault);
      }
      backend.supervise(last);
      run.tick(last);
      signals.sleep(TICK_MILLIS);
    }
  }

  /**
   * Phase 4: finished workers get a moment to say goodbye, the rest are stopped (their jobs
   * cancelled); blocks cut off by the stop stay unfinished, not failed. Returns how each task's
   * lost workers ended.
   */
  private Map<String, List<String>> shutDown(Ending ending) throws InterruptedException {
    if (ending instanceof Ending.Finished && backend != null) {
      backend.awaitExit(WORKER_EXIT_GRACE);
    } else if (ending instanceof Ending.Interrupted i) {
      err.println("\ndaisy-launch: " + i.signal() + ": stopping workers and flushing the checkpoint log");
    }
    server.beginShutdown();
    Map<String, List<String>> losses = Map.of();
    if (backend != null) {
      backend.stopAll();
      losses = backend.workerLosses();
      backend = null;
    }
    server.close();
    log.close();
    return losses;
  }

  /** Phase 5: every listener learns how the run ended; the exit code of the contract. */
  private Launch.Result report(Ending ending, Map<String, List<String>> losses) throws LaunchException {
    ServerSnapshot last = server.snapshot();
    long seconds = (System.nanoTime() - startedNanos) / 1_000_000_000L;
    if (ending instanceof Ending.Failed f) {
      run.ended(last, new RunEnding(RunState.FAILED, firstLine(f.cause().getMessage()), losses, seconds));
      throw f.cause();
    }
    boolean interrupted = ending instanceof Ending.Interrupted;
    RunEnding told = new RunEnding(interrupted ? RunState.INTERRUPTED : RunState.FINISHED, null, losses, seconds);
    run.ended(last, told);
    return new Launch.Result(interrupted ? ExitCode.INTERRUPTED : exitCodeOf(last), last, told.state().json());
  }

  /**
   * Whatever a phase that failed left running or open (the backend, the server, the log, the
   * listeners); after a normal end only what was already closed, which closing again leaves so.
   */
  private void release() {
    if (backend != null) {
      server.beginShutdown();
      backend.stopAll();
    }
    if (server != null) {
      try {
        server.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (log != null) {
      log.close();
    }
    if (run != null) {
      run.close();
    }
    if (logFile != null) {
      Logger.getLogger("").removeHandler(logFile);
      logFile.close();
    }
  }

  private int expectedWorkers() {
    return expectedWorkers(config);
  }

  /**
   * Workers the run expects in all, 0 if it cannot know: the tasks' {@code num_workers}, whoever
   * starts them — this backend, or the user ({@code --backend external}, where it is the size of
   * their {@code srun} or job array). It sizes the scheduler's listen backlog, I/O threads,
   * heartbeat and the key pairs it makes ahead for handshakes.
   */
  static int expectedWorkers(PipelineConfig config) {
    long sum = 0;
    for (TaskConfig tc : config.tasks()) {
      sum += tc.numWorkers();
    }
    return (int) Math.min(Integer.MAX_VALUE, sum);
  }

  static int exitCodeOf(ServerSnapshot s) {
    for (var t : s.tasks()) {
      TaskCounts c = t.counts();
      if (c.completed() != c.total()) {
        return ExitCode.BLOCKS_FAILED;
      }
    }
    return ExitCode.OK;
  }

  private CheckpointRecorder openLog() throws LaunchException {
    try {
      return recovery == null
          ? CheckpointRecorder.create(dir.checkpointLog(), geometry.toBytes())
          : CheckpointRecorder.resume(dir.checkpointLog(), recovery);
    } catch (IOException e) {
      throw new LaunchException(ExitCode.USAGE, "cannot open " + dir.checkpointLog() + ": " + e.getMessage());
    }
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "unknown error";
    }
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }

  /** Everything the scheduler logs also goes to run_dir/daisy-launch.log. */
  private static Handler logToRunDir(RunDirectory dir) {
    try {
      FileHandler h = new FileHandler(dir.root().resolve("daisy-launch.log").toString(), true);
      h.setFormatter(Main.logFormatter());
      h.setLevel(Level.INFO);
      Logger root = Logger.getLogger("");
      root.addHandler(h);
      if (root.getLevel() == null || root.getLevel().intValue() > Level.INFO.intValue()) {
        root.setLevel(Level.INFO);
      }
      return h;
    } catch (IOException e) {
      LOG.warning("cannot write run_dir/daisy-launch.log: " + e.getMessage());
      return null;
    }
  }
}
