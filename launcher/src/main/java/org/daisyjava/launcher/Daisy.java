package org.daisyjava.launcher;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.daisyjava.launcher.backend.InProcessBackend;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.TaskConfig;
import org.daisyjava.launcher.observe.RunListener;
import org.daisyjava.launcher.run.LaunchException;
import org.daisyjava.scheduler.server.TaskSnapshot;
import org.daisyjava.scheduler.state.Failure;
import org.daisyjava.scheduler.state.TaskCounts;
import org.daisyjava.worker.BlockCheck;
import org.daisyjava.worker.BlockFunction;

/**
 * Runs a pipeline built in code, with worker threads in this JVM:
 *
 * <pre>{@code
 * RunResult result = Daisy.run(List.of(smooth, label));
 * if (!result.succeeded()) { ... result.failures() ... }
 * }</pre>
 *
 * The run has a run directory like any other (checkpoint log, status, summary); by default a
 * fresh temporary one. With {@link Options#resume} a killed run continues where it stopped.
 */
public final class Daisy {
  private Daisy() {}

  /** Runs the tasks with default options (a temporary run directory, no output). */
  public static RunResult run(List<Task> tasks) throws RunAbortedException {
    return run(tasks, Options.defaults());
  }

  /**
   * Runs the tasks and returns how the run ended, failed blocks included; throws when the run
   * could not start or was stopped before its end.
   */
  public static RunResult run(List<Task> tasks, Options options) throws RunAbortedException {
    if (tasks == null || tasks.isEmpty()) {
      throw new IllegalArgumentException("tasks must not be empty");
    }
    Map<String, BlockFunction> functions = new HashMap<>();
    Map<String, BlockCheck> checks = new HashMap<>();
    List<TaskConfig> configs = tasks.stream().map(t -> {
      functions.put(t.name(), t.process());
      if (t.check() != null) {
        checks.put(t.name(), t.check());
      }
      return new TaskConfig(t.geometry(), null, t.numWorkers(), t.maxRetries(), t.timeout(), null,
          null, t.maxFailures(), null, PipelineConfig.defaultBatch(), 0);
    }).toList();
    Path runDir = options.runDir;
    if (runDir == null) {
      try {
        runDir = Files.createTempDirectory("daisy-run-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    PipelineConfig config = PipelineConfig.forTasks(options.name, runDir, configs,
        options.heartbeatInterval, options.heartbeatLiveness);
    LaunchOptions launch = new LaunchOptions(null, "local", options.resume, false, runDir, null, true);
    PrintStream out = options.output != null ? options.output : new PrintStream(OutputStream.nullOutputStream());
    Launch.Result r;
    try {
      r = Launch.execute(config, launch, new InProcessBackend.Factory(functions, checks), out, out,
          options.listeners);
    } catch (LaunchException e) {
      throw new RunAbortedException(e.exitCode(), e.getMessage(), e);
    }
    Map<String, TaskResult> results = new LinkedHashMap<>();
    for (TaskSnapshot t : r.snapshot().tasks()) {
      results.put(t.name(), result(t.counts()));
    }
    return new RunResult(Collections.unmodifiableMap(results),
        r.snapshot().failures().stream().map(Daisy::failure).toList(), r.state(), r.exitCode());
  }

  /** The scheduler's counts of a task as the API's. */
  static TaskResult result(TaskCounts c) {
    return new TaskResult(c.total(), c.completed(), c.skipped(), c.failed(), c.orphaned(), c.retries());
  }

  /** The scheduler's failure record as the API's: a block's (id >= 0) or a whole task's. */
  private static RunResult.Failure failure(Failure f) {
    return f.blockId() < 0
        ? new RunResult.TaskFailure(f.task(), f.error(), f.source())
        : new RunResult.BlockFailure(f.task(), f.blockId(), f.writeRoi(), f.attempts(), f.error(), f.source());
  }

  /** How {@link Daisy#run} runs; immutable, change with the {@code with…} methods. */
  public static final class Options {
    private final String name;
    private final Path runDir;
    private final boolean resume;
    private final Duration heartbeatInterval;
    private final int heartbeatLiveness;
    private final PrintStream output;
    private final List<RunListener> listeners;

    private Options(String name, Path runDir, boolean resume, Duration heartbeatInterval,
        int heartbeatLiveness, PrintStream output) {
      this(name, runDir, resume, heartbeatInterval, heartbeatLiveness, output, List.of());
    }

    private Options(String name, Path runDir, boolean resume, Duration heartbeatInterval,
        int heartbeatLiveness, PrintStream output, List<RunListener> listeners) {
      this.listeners = listeners;
      this.name = name;
      this.runDir = runDir;
      this.resume = resume;
      this.heartbeatInterval = heartbeatInterval;
      this.heartbeatLiveness = heartbeatLiveness;
      this.output = output;
    }

    public static Options defaults() {
      return new Options("pipeline", null, false, Duration.ofSeconds(1), 5, null);
    }

    /** The run directory (created; must not hold a run unless resuming). */
    public Options withRunDir(Path dir) {
      return new Options(name, dir, resume, heartbeatInterval, heartbeatLiveness, output, listeners);
    }

    /** Continue the run in the run directory: blocks in its checkpoint log are skipped. */
    public Options withResume(boolean resume) {
      return new Options(name, runDir, resume, heartbeatInterval, heartbeatLiveness, output, listeners);
    }

    public Options withName(String name) {
      return new Options(name, runDir, resume, heartbeatInterval, heartbeatLiveness, output, listeners);
    }

    public Options withHeartbeat(Duration interval, int liveness) {
      return new Options(name, runDir, resume, interval, liveness, output, listeners);
    }

    /**
     * Adds a listener that follows the run (events, snapshots, statistics; see RunListener). The
     * one member of the API that names the launcher's own types: a listener sees the run as the
     * launcher does, and those types may change between versions (docs/java-api.md).
     */
    public Options withListener(RunListener listener) {
      List<RunListener> all = new ArrayList<>(listeners);
      all.add(Objects.requireNonNull(listener));
      return new Options(name, runDir, resume, heartbeatInterval, heartbeatLiveness, output, List.copyOf(all));
    }

    /**
     * Adds a callback that is told how far the run has got ({@link Progress}): when a count
     * changes, at most about every 50 ms, and once at the end. It is called on the launcher's
     * supervising thread, so it must return quickly; one that throws is logged and called again
     * at the next change.
     */
    public Options withProgress(Consumer<Progress> callback) {
      return withListener(new ProgressReporter(Objects.requireNonNull(callback)));
    }

    /** Where the end-of-run summary goes (default: nowhere). */
    public Options withOutput(PrintStream output) {
      return new Options(name, runDir, resume, heartbeatInterval, heartbeatLiveness, output, listeners);
    }
  }
}
