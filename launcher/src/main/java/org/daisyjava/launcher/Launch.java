package org.daisyjava.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.daisyjava.launcher.backend.BackendFactory;
import org.daisyjava.launcher.backend.CommandRunner;
import org.daisyjava.launcher.backend.SchedulerAddresses;
import org.daisyjava.launcher.backend.WorkerCommand;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.TaskConfig;
import org.daisyjava.launcher.observe.RunListener;
import org.daisyjava.launcher.run.GeometryFingerprint;
import org.daisyjava.launcher.run.LaunchException;
import org.daisyjava.launcher.run.RunDirectory;
import org.daisyjava.launcher.run.RunLock;
import org.daisyjava.launcher.run.ScriptText;
import org.daisyjava.launcher.run.WorkerKeys;
import org.daisyjava.launcher.ssh.LoginNode;
import org.daisyjava.launcher.ssh.SshCommandRunner;
import org.daisyjava.scheduler.checkpoint.Recovery;
import org.daisyjava.scheduler.server.CheckpointRecorder;
import org.daisyjava.scheduler.server.ServerSnapshot;

/**
 * Launches a validated pipeline: every check that can refuse the launch (the config's code and
 * paths, encryption, the run directory and a resume's geometry, the backend) runs before anything
 * is created or submitted; then the run directory is locked and {@link RunSession} runs the
 * launch, ending in the exit code of the contract.
 */
final class Launch {
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
      return new RunSession(config, options, backends, dir, lock, geometry, recovery, replaceUnstarted,
          signals, out, err, listeners).run();
    } finally {
      lock.close();
    }
  }

  /**
   * A fault that ends the run with exit code 3, or null: the checkpoint log cannot be written
   * (disk full, read-only, I/O error), or the run directory was removed or replaced under the
   * run ({@code checkDirectory}: a stat, so not every tick).
   */
  static LaunchException fault(CheckpointRecorder log, RunDirectory dir, RunLock lock,
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

  static LaunchException checkpointFault(CheckpointRecorder log, RunDirectory dir) {
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

  private static String sourceName(PipelineConfig config) {
    return config.source() == null ? "config" : config.source().getFileName().toString();
  }
}
