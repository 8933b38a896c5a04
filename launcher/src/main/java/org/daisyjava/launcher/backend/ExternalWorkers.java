package org.daisyjava.launcher.backend;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.TaskConfig;
import org.daisyjava.launcher.run.RunDirectory;

/**
 * Tasks whose workers the user starts (with {@code --backend external}: every task; with any
 * backend: a task of {@code num_workers: 0}), and the exact command that starts one of them,
 * printed when the scheduler listens: once as {@code daisy-worker …} (the wrapper in
 * {@code scripts/}), once as this machine's {@code java} command with the launcher's own jars
 * (the same line the local backend runs). The run waits for such workers as long as it takes;
 * nobody replaces them.
 */
public final class ExternalWorkers {
  /** Starts each printed {@code daisy-worker} line (after its indentation): tests and scripts find it by this. */
  public static final String WRAPPER_PREFIX = "daisy-worker ";

  private ExternalWorkers() {}

  /** True if task {@code t} waits for workers started elsewhere. */
  static boolean external(BackendFactory backends, TaskConfig t) {
    return !backends.bringsOwnCode() && (!backends.startsWorkers() || t.numWorkers() == 0);
  }

  /**
   * Prints, for each task that waits for external workers, how to start one; nothing if none
   * does.
   *
   * @param port the port the scheduler listens on
   */
  public static void announce(PrintStream out, PipelineConfig config, RunDirectory dir,
      BackendFactory backends, int port) {
    List<TaskConfig> tasks = config.tasks().stream().filter(t -> external(backends, t)).toList();
    if (tasks.isEmpty()) {
      return;
    }
    List<String> addresses = backends.bindHost().equals("127.0.0.1")
        ? List.of("tcp://127.0.0.1:" + port)
        : SchedulerAddresses.of(config.scheduler().hosts(), port);
    Path keyFile = dir.keyFile().toAbsolutePath();
    out.println("daisy-launch: " + (backends.startsWorkers() ? "" : "backend external: ")
        + "start the workers of " + (tasks.size() == 1 ? "task " : "tasks ")
        + String.join(", ", tasks.stream().map(TaskConfig::name).toList())
        + " yourself (any number, on any machine that reaches " + String.join(" or ", addresses)
        + " and reads " + keyFile + "); the run waits for them and ends when every task is done");
    for (TaskConfig t : tasks) {
      int slots = WorkerSlots.of(config, t, backends.grid());
      WorkerCommand cmd = WorkerCommand.of(config.worker().java(), config.worker(),
              WorkerCommand.ownClasspath(), addresses, t.name(), dir.root().toAbsolutePath(), keyFile)
          .withEnv(t.env())
          .withSlots(slots);
      out.println("daisy-launch: task " + t.name() + ": each worker (" + slots + " slot"
          + (slots == 1 ? "" : "s") + ") runs:");
      out.println("    " + wrapperLine(config, cmd));
      out.println("  or, with this machine's java and the launcher's jars:");
      out.println("    " + envPrefix(cmd.env()) + String.join(" ",
          cmd.argv().stream().map(JobTemplate::shellQuote).toList()));
    }
    out.flush();
  }

  /** {@code daisy-worker ARGS}: the wrapper takes the user's jars from DAISY_CLASSPATH. */
  private static String wrapperLine(PipelineConfig config, WorkerCommand cmd) {
    List<String> args = cmd.argv().subList(cmd.argv().indexOf(WorkerCommand.MAIN) + 1, cmd.argv().size());
    Map<String, String> env = new java.util.LinkedHashMap<>(cmd.env());
    if (!config.worker().classpath().isEmpty()) {
      List<String> cp = new ArrayList<>();
      for (String entry : config.worker().classpath()) {
        cp.add(Path.of(entry).toAbsolutePath().toString());
      }
      env.put("DAISY_CLASSPATH", String.join(File.pathSeparator, cp));
    }
    return envPrefix(env) + WRAPPER_PREFIX
        + String.join(" ", args.stream().map(JobTemplate::shellQuote).toList());
  }

  private static String envPrefix(Map<String, String> env) {
    if (env.isEmpty()) {
      return "";
    }
    StringBuilder s = new StringBuilder("env ");
    env.forEach((k, v) -> s.append(k).append('=').append(JobTemplate.shellQuote(v)).append(' '));
    return s.toString();
  }
}
