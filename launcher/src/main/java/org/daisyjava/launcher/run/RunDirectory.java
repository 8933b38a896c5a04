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

  public Path lockFile() {
    return root.resolve("lock");
  }

  /**
   * Checks that the directory fits the request, without changing anything.
   *
   * @return the recovered checkpoint log when resuming, else null
   */
  public static Opened open(Path dir, boolean resume, GeometryFingerprint geometry)
      throws LaunchException {
    RunDirectory rd = at(dir);
    rd.checkUsable(resume);
    return new Opened(rd, resume ? rd.recover(geometry) : null);
  }

  /**
   * The run directory at {@code dir} (made absolute). Its path is written into job scripts
   * ({@code #SBATCH --output="…"}) and worker command lines, where a newline would end the
   * directive and start a shell command, so control characters are refused here, for the
   * {@code --run-dir} option, the {@code run_dir:} key and the working directory that a
   * relative one is resolved against alike.
   */
  public static RunDirectory at(Path dir) throws LaunchException {
    Path root = dir.toAbsolutePath().normalize();
    ScriptText.check("run directory", root.toString());
    return new RunDirectory(root);
  }

  /** Exit code 2 naming the holder if another launcher runs in this directory now. */
  public void refuseIfInUse() throws LaunchException {
    RunLock.refuseIfHeld(lockFile(), root);
  }

  /**
   * The checks of {@link #open} that need no reading of the log.
   *
   * @return true if a new run replaces one that ended (its summary.json was written) before a
   *     single block was done — typically the cluster refused the first submission. Nothing of
   *     it is worth keeping, so a corrected config starts afresh without {@code --resume}, and
   *     {@link #create} is told to replace it.
   */
  public boolean checkUsable(boolean resume) throws LaunchException {
    Path log = checkpointLog();
    if (!resume) {
      if (Files.exists(log) && endedBeforeAnyBlock()) {
        return true;
      }
      if (Files.exists(log)) {
        throw new LaunchException(ExitCode.USAGE, "run directory " + root + " already holds a run"
            + " (checkpoint.log); use --resume to continue it, or choose another run_dir"
            + " (--run-dir) to start afresh");
      }
      if (Files.exists(root) && !Files.isDirectory(root)) {
        throw new LaunchException(ExitCode.USAGE, "run_dir " + root + " exists and is not a directory");
      }
      return false;
    }
    if (!Files.isDirectory(root)) {
      throw new LaunchException(ExitCode.USAGE, "nothing to resume: run directory " + root
          + " does not exist (start without --resume to begin a new run)");
    }
    if (!Files.exists(log)) {
      throw new LaunchException(ExitCode.USAGE, "nothing to resume: " + log
          + " does not exist (start without --resume to begin a new run)");
    }
    return false;
  }

  /**
   * Reads the checkpoint log (only reads: safe while another launcher writes it) and checks
   * that its geometry is the config's.
   */
  public Recovery recover(GeometryFingerprint geometry) throws LaunchException {
    Path log = checkpointLog();
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
      throw new LaunchException(ExitCode.USAGE, "cannot resume " + root + ": the config's geometry"
          + " differs from the logged run, so block ids would not match:\n  - "
          + String.join("\n  - ", changes)
          + "\n(changes that keep block ids — workers, retries, backend options, the process"
          + " command — are allowed; start a new run_dir for a new geometry)");
    }
    return recovery;
  }

  /**
   * Makes this launcher the run directory's only owner (see {@link RunLock}), creating the
   * directory itself if it is new; the first write into it. Exit code 2 if another launcher
   * holds it.
   */
  public RunLock lock() throws LaunchException {
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new LaunchException(ExitCode.USAGE, "cannot create run directory " + root + ": "
          + LaunchException.describe(e), e);
    }
    return RunLock.acquire(lockFile(), root);
  }

  /**
   * The earlier run ended (summary.json says so) and its checkpoint log holds no record. A log
   * that cannot be read, or a run without a summary (its launcher was killed, or still runs),
   * does not count: that is for --resume to sort out.
   */
  private boolean endedBeforeAnyBlock() {
    try {
      com.fasterxml.jackson.databind.JsonNode summary =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(summaryFile().toFile());
      String state = summary == null || summary.get("state") == null ? "" : summary.get("state").asText();
      if (state.isEmpty() || state.equals("running")) {
        return false;
      }
      return CheckpointLog.recover(checkpointLog()).recordsKept() == 0;
    } catch (IOException | CheckpointFormatException | RuntimeException e) {
      return false;
    }
  }

  /** A checked run directory and, when resuming, what its log holds. */
  public record Opened(RunDirectory dir, Recovery recovery) {}

  /**
   * Creates the directory layout and writes the config copy and the launch's worker key file
   * ({@link WorkerKeys}: readable only by the owner; it keeps stray workers of other runs out).
   *
   * @param replaceUnstarted the directory holds a run that never finished a block (see
   *     {@link #checkUsable}): its log, status and summary are removed first
   */
  public void create(String configText, List<String> tasks, WorkerKeys keys, boolean replaceUnstarted)
      throws LaunchException {
    createLayout(configText, tasks, keys, replaceUnstarted);
  }

  /** {@link #create(String, List, WorkerKeys, boolean)} with fresh CURVE keys; returns worker.key's text. */
  public String create(String configText, List<String> tasks, boolean replaceUnstarted) throws LaunchException {
    WorkerKeys keys = WorkerKeys.generate(SchedulerSettings.Encryption.CURVE);
    createLayout(configText, tasks, keys, replaceUnstarted);
    return keys.workerFileText();
  }

  private void createLayout(String configText, List<String> tasks, WorkerKeys keys, boolean replaceUnstarted)
      throws LaunchException {
    try {
      if (replaceUnstarted) {
        Files.deleteIfExists(checkpointLog());
        Files.deleteIfExists(summaryFile());
        Files.deleteIfExists(statusFile());
      }
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
