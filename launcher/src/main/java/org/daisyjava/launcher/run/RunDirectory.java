package org.daisyjava.launcher.run;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.config.SchedulerSettings;
import org.daisyjava.scheduler.checkpoint.CheckpointFormatException;
import org.daisyjava.scheduler.checkpoint.CheckpointLog;
import org.daisyjava.scheduler.checkpoint.Recovery;

/**
 * The run directory of the contract: config copy, checkpoint log, job scripts, worker logs,
 * status and summary files. {@link #open} only reads; nothing is created before every check
 * has passed, so a refused launch leaves no trace.
 */
public final class RunDirectory {
  private final Path root;

  private RunDirectory(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  public Path checkpointLog() {
    return root.resolve("checkpoint.log");
  }

  public Path configCopy() {
    return root.resolve("config.yaml");
  }

  public Path jobs() {
    return root.resolve("jobs");
  }

  public Path logs(String task) {
    return root.resolve("logs").resolve(task);
  }

  public Path statusFile() {
    return root.resolve("status.json");
  }

  public Path summaryFile() {
    return root.resolve("summary.json");
  }

  public Path keyFile() {
    return root.resolve("worker.key");
  }

  /**
   * Checks that the directory fits the request, without changing anything.
   *
   * @return the recovered checkpoint log when resuming, else null
   */
  public static Opened open(Path dir, boolean resume, GeometryFingerprint geometry)
      throws LaunchException {
    RunDirectory rd = new RunDirectory(dir.toAbsolutePath().normalize());
    Path log = rd.checkpointLog();
    if (!resume) {
      if (Files.exists(log)) {
        throw new LaunchException(ExitCode.USAGE, "run directory " + dir + " already holds a run"
            + " (checkpoint.log); use --resume to continue it, or choose another run_dir"
            + " (--run-dir) to start afresh");
      }
      if (Files.exists(rd.root) && !Files.isDirectory(rd.root)) {
        throw new LaunchException(ExitCode.USAGE, "run_dir " + dir + " exists and is not a directory");
      }
      return new Opened(rd, null);
    }
    if (!Files.isDirectory(rd.root)) {
      throw new LaunchException(ExitCode.USAGE, "nothing to resume: run directory " + dir
          + " does not exist (start without --resume to begin a new run)");
    }
    if (!Files.exists(log)) {
      throw new LaunchException(ExitCode.USAGE, "nothing to resume: " + log
          + " does not exist (start without --resume to begin a new run)");
    }
    Recovery recovery;
    try {
      recovery = CheckpointLog.recover(log);
    } catch (CheckpointFormatException e) {
      throw new LaunchException(ExitCode.USAGE, "cannot resume from " + log + ": " + e.getMessage());
    } catch (IOException e) {
      throw new LaunchException(ExitCode.USAGE, "cannot read " + log + ": " + e.getMessage());
    }
    GeometryFingerprint logged = GeometryFingerprint.parse(recovery.header());
    if (logged == null) {
      throw new LaunchException(ExitCode.USAGE, "cannot resume from " + log
          + ": its header is not a daisy-java geometry description");
    }
    List<String> changes = logged.differencesTo(geometry);
    if (!changes.isEmpty()) {
      throw new LaunchException(ExitCode.USAGE, "cannot resume " + dir + ": the config's geometry"
          + " differs from the logged run, so block ids would not match:\n  - "
          + String.join("\n  - ", changes)
          + "\n(changes that keep block ids — workers, retries, backend options, the process"
          + " command — are allowed; start a new run_dir for a new geometry)");
    }
    return new Opened(rd, recovery);
  }

  /** A checked run directory and, when resuming, what its log holds. */
  public record Opened(RunDirectory dir, Recovery recovery) {}

  /**
   * Creates the directory layout and writes the config copy and the launch's worker key file
   * ({@link WorkerKeys}: readable only by the owner; it keeps stray workers of other runs out).
   */
  public void create(String configText, List<String> tasks, WorkerKeys keys) throws LaunchException {
    createLayout(configText, tasks, keys);
  }

  /** {@link #create(String, List, WorkerKeys)} with fresh CURVE keys; returns worker.key's text. */
  public String create(String configText, List<String> tasks) throws LaunchException {
    WorkerKeys keys = WorkerKeys.generate(SchedulerSettings.Encryption.CURVE);
    createLayout(configText, tasks, keys);
    return keys.workerFileText();
  }

  private void createLayout(String configText, List<String> tasks, WorkerKeys keys) throws LaunchException {
    try {
      Files.createDirectories(root);
      Files.createDirectories(jobs());
      for (String t : tasks) {
        Files.createDirectories(logs(t));
      }
      writeAtomically(configCopy(), configText);
      keys.write(keyFile());
    } catch (IOException e) {
      throw new LaunchException(ExitCode.USAGE, "cannot create run directory " + root + ": " + e.getMessage());
    }
  }

  /** Writes {@code text} to a temporary file and renames it over {@code target}. */
  public static void writeAtomically(Path target, String text) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
