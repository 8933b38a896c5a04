package org.daisyjava.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.logging.FileHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.daisyjava.launcher.backend.Backend;
import org.daisyjava.launcher.backend.BackendFactory;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.TaskConfig;
import org.daisyjava.launcher.progress.Progress;
import org.daisyjava.launcher.progress.RunReport;
import org.daisyjava.launcher.progress.Summary;
import org.daisyjava.launcher.run.GeometryFingerprint;
import org.daisyjava.launcher.run.LaunchException;
import org.daisyjava.launcher.run.RunDirectory;
import org.daisyjava.launcher.run.WorkerKeys;
import org.daisyjava.scheduler.checkpoint.Recovery;
import org.daisyjava.scheduler.server.BlockChecker;
import org.daisyjava.scheduler.server.CheckpointRecorder;
import org.daisyjava.scheduler.server.SchedulerServer;
import org.daisyjava.scheduler.server.ServerSettings;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSettings;
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

  private Launch() {}

  /** The command line's run: config from a file, workers from the chosen backend. */
  static int run(PipelineConfig config, LaunchOptions options, PrintStream out, PrintStream err) {
    try {
      return execute(config, options, BackendFactory.forName(backendName(config, options)), out, err)
          .exitCode();
    } catch (LaunchException e) {
      err.println("daisy-launch: " + e.getMessage());
      return e.exitCode();
    }
  }

  static String backendName(PipelineConfig config, LaunchOptions options) {
    return options.backend() != null ? options.backend() : config.backend();
  }

  /** What a finished (or interrupted) run produced. */
  record Result(int exitCode, ServerSnapshot snapshot, String state) {}

  static Result execute(PipelineConfig config, LaunchOptions options, BackendFactory backends,
      PrintStream out, PrintStream err) throws LaunchException {
    for (TaskConfig t : config.tasks()) {
      if (t.process() == null && !backends.bringsOwnCode()) {
        throw new LaunchException(ExitCode.USAGE, sourceName(config) + ":" + t.line() + ": tasks["
            + config.tasks().indexOf(t) + "]: missing key 'process' (needed to run task " + t.name()
            + "; 'daisy-launch plan' works without it)");
      }
    }
    // ssh: only matters for cluster backends; a local run ignores it
    if (options.ssh() != null || (config.ssh() != null && !backendName(config, options).equals("local"))) {
      throw new LaunchException(ExitCode.USAGE, "submitting over SSH (--ssh, ssh:) is not"
          + " available in this version; run daisy-launch on the login node");
    }
    WorkerKeys.check(config.scheduler().encryption(), config.scheduler().encryptionLine(),
        backends.bindHost(), sourceName(config));
    Path runDirPath = options.runDir() != null ? options.runDir() : config.runDir();
    GeometryFingerprint geometry = GeometryFingerprint.of(config.geometries());
    RunDirectory.Opened opened = RunDirectory.open(runDirPath, options.resume(), geometry);
    RunDirectory dir = opened.dir();
    if (options.dryRun()) {
      return new Result(backends.dryRun(config, dir, out), null, "dry-run");
    }
    backends.checkAvailable(config);

    WorkerKeys keys = WorkerKeys.generate(config.scheduler().encryption());
    dir.create(config.text(), config.tasks().stream().map(TaskConfig::name).toList(), keys);
    Handler logFile = logToRunDir(dir);
    Recovery recovery = opened.recovery();
    if (recovery != null) {
      String report = recovery.report();
      out.println("daisy-launch: resuming " + dir.root() + ": " + report);
      LOG.info("resuming: " + report);
    }

    CheckpointRecorder log = openLog(dir, geometry, recovery);

    int n = config.tasks().size();
    int[] retries = new int[n];
    LongPredicate[] resumed = new LongPredicate[n];
    List<TaskSettings> taskSettings = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      TaskConfig tc = config.tasks().get(t);
      retries[t] = tc.maxRetries();
      if (recovery != null) {
        resumed[t] = recovery.done(t)::get;
      }
      BlockChecker checker = backends.checker(tc, dir, config.worker().classpath());
      taskSettings.add(new TaskSettings(backends.bringsOwnCode() ? null : tc.process(), tc.timeout(), checker));
    }
    SchedulingState state = new SchedulingState(config.graph(), retries, resumed);
    ServerSettings settings = new ServerSettings(backends.bindHost(),
        config.scheduler().portLow(), config.scheduler().portHigh(),
        config.scheduler().heartbeatInterval(), config.scheduler().heartbeatLiveness(), keys.server(),
        dir.root().toString(), taskSettings);
    SchedulerServer server = new SchedulerServer(state, settings, log);
    log.attach(server);
    long started = System.nanoTime();
    SignalTrap signals = new SignalTrap();
    if (!backends.bringsOwnCode()) {
      signals.install(); // the command line's run; a library must not take over a JVM's signals
    }
    Backend backend = null;
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
      backend = backends.create(config, dir, server, port, keys.workerFileText());
      Progress progress = new Progress(out, System.console() != null, options.quiet(),
          config.scheduler().statusInterval(), dir.statusFile(), backend::status);
      LaunchException fatal = null;
      while (true) {
        last = server.snapshot();
        if (last.allFinished() || last.stopped()) {
          break;
        }
        if (signals.caught() != null) {
          state0 = "interrupted";
          break;
        }
        try {
          backend.supervise(last);
        } catch (LaunchException e) {
          fatal = e;
          break;
        }
        progress.tick(last);
        signals.sleep(TICK_MILLIS);
      }
      if (state0.equals("finished") && fatal == null) {
        backend.awaitExit(WORKER_EXIT_GRACE);
      } else if (signals.caught() != null) {
        err.println("\ndaisy-launch: " + signals.caught() + ": stopping workers and flushing the checkpoint log");
      }
      // blocks cut off by stopping the workers are unfinished, not failed
      server.beginShutdown();
      backend.stopAll();
      backend = null;
      server.close();
      log.close();
      last = server.snapshot();
      if (fatal != null) {
        state0 = "interrupted";
        progress.finish(last, state0);
        writeSummary(dir, last, state0);
        Summary.print(out, last, state0, dir.root().toString(), seconds(started));
        throw fatal;
      }
      progress.finish(last, state0);
      writeSummary(dir, last, state0);
      Summary.print(out, last, state0, dir.root().toString(), seconds(started));
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
      if (logFile != null) {
        Logger.getLogger("").removeHandler(logFile);
        logFile.close();
      }
    }
    return new Result(exit, last, state0);
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

  private static void writeSummary(RunDirectory dir, ServerSnapshot s, String state) {
    try {
      RunDirectory.writeAtomically(dir.summaryFile(), RunReport.json(s, state, false));
    } catch (IOException e) {
      LOG.warning("cannot write " + dir.summaryFile() + ": " + e.getMessage());
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
}
