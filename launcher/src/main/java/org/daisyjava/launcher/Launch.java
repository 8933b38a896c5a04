package org.daisyjava.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.daisyjava.launcher.backend.Backend;
import org.daisyjava.launcher.backend.BackendFactory;
import org.daisyjava.launcher.backend.WorkerCommand;
import org.daisyjava.launcher.backend.CommandRunner;
import org.daisyjava.launcher.backend.SchedulerAddresses;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.TaskConfig;
import org.daisyjava.launcher.observe.RunEvents;
import org.daisyjava.launcher.observe.RunListener;
import org.daisyjava.launcher.observe.RunModel;
import org.daisyjava.launcher.progress.Progress;
import org.daisyjava.launcher.progress.RunReport;
import org.daisyjava.launcher.progress.RunState;
import org.daisyjava.launcher.progress.Summary;
import org.daisyjava.launcher.run.GeometryFingerprint;
import org.daisyjava.launcher.run.LaunchException;
import org.daisyjava.launcher.run.RunDirectory;
import org.daisyjava.launcher.run.RunLock;
import org.daisyjava.launcher.run.ScriptText;
import org.daisyjava.launcher.ssh.LoginNode;
import org.daisyjava.launcher.ssh.SshCommandRunner;
import org.daisyjava.launcher.web.RunOutputs;
import org.daisyjava.launcher.run.WorkerKeys;
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
 * Runs a validated pipeline: checks the run directory, opens (or resumes) the checkpoint log,
 * starts the scheduler and the backend, shows progress, and ends with a summary and the exit
 * code of the contract. Every check that can refuse the launch runs before anything is created
 * or submitted.
 */
final class Launch {
  private static final Logger LOG = Logger.getLogger(Launch.class.getName());
  private static final long TICK_MILLIS = 50;
  /** How long finished workers get to say goodbye before they are stopped. */
  private static final Duration WORKER_EXIT_GRACE = Duration.ofSeconds(10);
  /** The run directory is checked for removal every this many ticks (about once a second). */
  private static final long DIRECTORY_CHECK_TICKS = 1000 / TICK_MILLIS;

  private Launch() {}

  /** The command line's run: config from a file, workers from the chosen backend. */
  static int run(PipelineConfig config, LaunchOptions options, PrintStream out, PrintStream err) {
    CommandRunner runner = null;
    try {
      String backend = backendName(config, options);
      if (!backend.equals("local")) {
        SchedulerAddresses.checkOwn(config.scheduler().hosts(), sourceName(config));
      }
      runner = LoginNode.runnerFor(config, options.ssh(), backend,
          options.runDir() != null ? options.runDir() : config.runDir(), options.dryRun());
      return execute(config, options, BackendFactory.forName(backend, runner), out, err).exitCode();
    } catch (LaunchException e) {
      err.println("daisy-launch: " + e.getMessage());
      return e.exitCode();
    } finally {
      if (runner instanceof SshCommandRunner ssh) {
        ssh.close();
      }
    }
  }

  static String backendName(PipelineConfig config, LaunchOptions options) {
    return options.backend() != null ? options.backend() : config.backend();
  }

  /** What a finished (or interrupted) run produced. */
  record Result(int exitCode, ServerSnapshot snapshot, String state) {}

  static Result execute(PipelineConfig config, LaunchOptions options, BackendFactory backends,
      PrintStream out, PrintStream err) throws LaunchException {
    return execute(config, options, backends, out, err, List.of());
  }

  static Result execute(PipelineConfig config, LaunchOptions options, BackendFactory backends,
      PrintStream out, PrintStream err, List<RunListener> listeners) throws LaunchException {
    for (TaskConfig t : config.tasks()) {
      if (t.process() == null && !backends.bringsOwnCode()) {
        throw new LaunchException(ExitCode.USAGE, sourceName(config) + ":" + t.line() + ": tasks["
            + config.tasks().indexOf(t) + "]: missing key 'process' (needed to run task " + t.name()
            + "; 'daisy-launch plan' works without it)");
      }
    }
    WorkerKeys.check(config.scheduler().encryption(), config.scheduler().encryptionLine(),
        backends.bindHost(), sourceName(config));
    Path runDirPath = options.runDir() != null ? options.runDir() : config.runDir();
    checkScriptPaths(config);
    GeometryFingerprint geometry = GeometryFingerprint.of(config.geometries());
    RunDirectory dir = RunDirectory.at(runDirPath);
    if (!options.dryRun()) {
      dir.refuseIfInUse(); // before the checks below: a live run's files would mislead them
    }
    dir.checkUsable(options.resume());
    // read only: a resume that does not fit is refused before anything is written
    Recovery checked = options.resume() ? dir.recover(geometry) : null;
    if (options.dryRun()) {
      // No lock: a dry run writes only jobs/<task>-dryrun.sh, which no run reads, so it may
      // preview the scripts of a run directory whose run is going on.
      return new Result(backends.dryRun(config, dir, out), null, "dry-run");
    }
    backends.checkAvailable(config);

    SignalTrap signals = SignalTrap.forRun(!backends.bringsOwnCode());
    signals.runBegins();
    RunLock lock = dir.lock();
    try {
      // again under the lock: another launcher may have begun (or ended) a run since the checks
      // above, and only a recovery taken under the lock may be continued (it truncates the tail)
      boolean replaceUnstarted = dir.checkUsable(options.resume());
      Recovery recovery = checked == null ? null : dir.recover(geometry);
      return runLocked(config, options, backends, dir, lock, geometry, recovery, replaceUnstarted,
          signals, out, err, listeners);
    } finally {
      lock.close();
    }
  }

  /** The run itself, with the run directory locked for this launcher. */
  private static Result runLocked(PipelineConfig config, LaunchOptions options,
      BackendFactory backends, RunDirectory dir, RunLock lock, GeometryFingerprint geometry,
      Recovery recovery, boolean replaceUnstarted, SignalTrap signals, PrintStream out, PrintStream err,
      List<RunListener> listeners) throws LaunchException {
    WorkerKeys keys = WorkerKeys.generate(config.scheduler().encryption());
    dir.create(config.text(), config.tasks().stream().map(TaskConfig::name).toList(), keys,
        replaceUnstarted);
    Handler logFile = logToRunDir(dir);
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

    CheckpointRecorder log = openLog(dir, geometry, recovery);

    int n = config.tasks().size();
    int[] retries = new int[n];
    FailureLimit[] maxFailures = new FailureLimit[n];
    DoneBlocks[] resumed = new DoneBlocks[n];
    List<TaskSettings> taskSettings = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      TaskConfig tc = config.tasks().get(t);
      retries[t] = tc.maxRetries();
      maxFailures[t] = tc.maxFailures();
      if (recovery != null) {
        resumed[t] = recovery.done(t);
      }
      BlockChecker checker = backends.checker(tc, dir, config.worker().classpath());
      taskSettings.add(new TaskSettings(backends.bringsOwnCode() ? null : tc.process(), tc.timeout(), checker));
    }
    SchedulingState state = new SchedulingState(config.graph(), retries, maxFailures, resumed);
    ServerSettings settings = new ServerSettings(backends.bindHost(),
        config.scheduler().portLow(), config.scheduler().portHigh(),
        config.scheduler().heartbeatInterval(), config.scheduler().heartbeatLiveness(), keys.server(),
        dir.root().toString(), taskSettings, expectedWorkers(config));
    SchedulerServer server = new SchedulerServer(state, settings, log);
    log.attach(server);
    long started = System.nanoTime();
    LongPredicate[] doneBefore = new LongPredicate[n];
    for (int t = 0; t < n; t++) {
      doneBefore[t] = resumed[t] == null ? null : resumed[t]::contains;
    }
    RunEvents run = RunOutputs.standard(new RunModel.RunInfo(config.name(), dir.root().toString(),
        backendName(config, options), config.graph()), dir, config.scheduler().web(), out, listeners,
        started, doneBefore);
    server.observe(run.observer());
    Backend backend = null;
    Backend[] started0 = {null}; // the progress display asks the backend once it exists
    Progress progress = new Progress(out, System.console() != null, options.quiet(),
        config.scheduler().statusInterval(), dir.statusFile(),
        name -> started0[0] == null ? null : started0[0].status(name));
    progress.start(server.snapshot()); // status.json from the first second
    String state0 = "finished";
    int exit;
    ServerSnapshot last;
    try {
      int port;
      try {
        port = server.start();
      } catch (RuntimeException e) {
        throw new LaunchException(ExitCode.USAGE, "cannot start the scheduler: " + e.getMessage());
      }
      LOG.info("scheduler listening on port " + port);
      run.started();
      LaunchException fatal = null;
      try {
        backend = backends.create(config, dir, server, port, keys.workerFileText());
        started0[0] = backend;
      } catch (LaunchException e) {
        fatal = e;
      }
      for (long tick = 0; fatal == null; tick++) {
        last = server.snapshot();
        if (last.allFinished() || last.stopped()) {
          break;
        }
        if (signals.caught() != null) {
          state0 = "interrupted";
          break;
        }
        fatal = fault(log, dir, lock, tick % DIRECTORY_CHECK_TICKS == 0);
        if (fatal != null) {
          break;
        }
        try {
          backend.supervise(last);
        } catch (LaunchException e) {
          fatal = e;
          break;
        }
        progress.tick(last);
        run.tick(last);
        signals.sleep(TICK_MILLIS);
      }
      if (state0.equals("finished") && fatal == null) {
        backend.awaitExit(WORKER_EXIT_GRACE);
      } else if (fatal == null && signals.caught() != null) {
        err.println("\ndaisy-launch: " + signals.caught() + ": stopping workers and flushing the checkpoint log");
      }
      // blocks cut off by stopping the workers are unfinished, not failed
      server.beginShutdown();
      Map<String, List<String>> losses = Map.of();
      if (backend != null) {
        backend.stopAll();
        losses = backend.workerLosses();
      }
      backend = null;
      server.close();
      log.close();
      last = server.snapshot();
      if (fatal == null && log.failure() != null) {
        fatal = checkpointFault(log, dir); // it failed while the run was ending
      }
      if (fatal != null) {
        // the run could not go on (the cluster refused or lost it, the disk failed): failed,
        // with the reason
        String reason = firstLine(fatal.getMessage());
        progress.finish(last, RunState.FAILED, reason);
        writeSummary(dir, last, RunState.FAILED, reason, losses);
        Summary.print(out, last, RunState.FAILED, reason, dir.root().toString(), seconds(started), losses);
        run.ended(last, RunState.FAILED.json());
        throw fatal;
      }
      progress.finish(last, state0);
      writeSummary(dir, last, state0, losses);
      Summary.print(out, last, RunState.fromJson(state0), null, dir.root().toString(), seconds(started), losses);
      run.ended(last, state0);
      exit = state0.equals("interrupted") ? ExitCode.INTERRUPTED : exitCodeOf(last);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LaunchException(ExitCode.INTERRUPTED, "interrupted");
    } finally {
      if (backend != null) {
        server.beginShutdown();
        backend.stopAll();
      }
      try {
        server.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      log.close();
      run.close();
      if (logFile != null) {
        Logger.getLogger("").removeHandler(logFile);
        logFile.close();
      }
    }
    return new Result(exit, last, state0);
  }

  /**
   * A fault that ends the run with exit code 3, or null: the checkpoint log cannot be written
   * (disk full, read-only, I/O error), or the run directory was removed or replaced under the
   * run ({@code checkDirectory}: a stat, so not every tick).
   */
  private static LaunchException fault(CheckpointRecorder log, RunDirectory dir, RunLock lock,
      boolean checkDirectory) {
    if (log.failure() != null) {
      return checkpointFault(log, dir);
    }
    if (checkDirectory && !lock.stillInPlace()) {
      return new LaunchException(ExitCode.CLUSTER, "the run directory " + dir.root() + " was"
          + " removed or replaced while the run was going on (" + lock.file() + " is gone or is"
          + " another file). Workers were stopped. Whatever the checkpoint log recorded went where"
          + " the directory went; blocks finished since may run again on a resume.");
    }
    return null;
  }

  private static LaunchException checkpointFault(CheckpointRecorder log, RunDirectory dir) {
    Throwable cause = log.failure();
    String error = cause instanceof IOException io ? LaunchException.describe(io) : String.valueOf(cause);
    return new LaunchException(ExitCode.CLUSTER, "writing the checkpoint log " + dir.checkpointLog()
        + " failed: " + error + ". Workers were stopped; every block recorded before the failure"
        + " is kept (blocks finished since were not recorded and run again). Free space or fix"
        + " the file system, then continue with --resume (the run directory may also be copied"
        + " elsewhere and resumed there with --resume --run-dir).", cause);
  }

  /**
   * Paths that reach job scripts and worker command lines but do not come from a config key (the
   * config loader checks those): the worker classpath made absolute against the working
   * directory, this launcher's own classpath and java.
   */
  private static void checkScriptPaths(PipelineConfig config) throws LaunchException {
    for (String entry : config.worker().classpath()) {
      ScriptText.check("worker.classpath entry", Path.of(entry).toAbsolutePath().toString());
    }
    ScriptText.check("the launcher's classpath", WorkerCommand.ownClasspath());
    ScriptText.check("the launcher's java", WorkerCommand.currentJava());
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "unknown error";
    }
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }

  private static String sourceName(PipelineConfig config) {
    return config.source() == null ? "config" : config.source().getFileName().toString();
  }

  private static long seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000_000L;
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

  private static CheckpointRecorder openLog(RunDirectory dir, GeometryFingerprint geometry,
      Recovery recovery) throws LaunchException {
    try {
      return recovery == null
          ? CheckpointRecorder.create(dir.checkpointLog(), geometry.toBytes())
          : CheckpointRecorder.resume(dir.checkpointLog(), recovery);
    } catch (IOException e) {
      throw new LaunchException(ExitCode.USAGE, "cannot open " + dir.checkpointLog() + ": " + e.getMessage());
    }
  }

  private static void writeSummary(RunDirectory dir, ServerSnapshot s, String state,
      Map<String, List<String>> losses) {
    writeSummary(dir, s, RunState.fromJson(state), null, losses);
  }

  private static void writeSummary(RunDirectory dir, ServerSnapshot s, RunState state, String reason,
      Map<String, List<String>> losses) {
    try {
      RunDirectory.writeAtomically(dir.summaryFile(), RunReport.json(s, state, reason, false, losses));
    } catch (IOException e) {
      LOG.warning("cannot write " + dir.summaryFile() + ": " + LaunchException.describe(e));
    }
  }

  /** Everything the scheduler logs also goes to run_dir/daisy-launch.log. */
  private static Handler logToRunDir(RunDirectory dir) {
    try {
      FileHandler h = new FileHandler(dir.root().resolve("daisy-launch.log").toString(), true);
      h.setFormatter(new SimpleFormatter());
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

  /** Workers the run starts in all (sizes the scheduler's listen backlog and heartbeat). */
  private static int expectedWorkers(PipelineConfig config) {
    long sum = 0;
    for (TaskConfig tc : config.tasks()) {
      sum += tc.numWorkers();
    }
    return (int) Math.min(Integer.MAX_VALUE, sum);
  }
}
