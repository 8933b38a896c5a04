package org.daisyjava.launcher.backend;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.daisyjava.launcher.config.WorkerSettings;

/**
 * The command that starts one worker ({@code java … org.daisyjava.worker.WorkerMain --connect
 * … --task …}) and its environment, shared by the local backend and the job scripts.
 */
public record WorkerCommand(List<String> argv, Map<String, String> env) {
  static final String MAIN = "org.daisyjava.worker.WorkerMain";

  /**
   * The command of a worker that may have to wait for the head (a job, a worker started by hand):
   * {@code --connect-timeout} is {@code worker.connect_timeout}, else the worker's default of
   * {@link WorkerSettings#DEFAULT_CONNECT_TIMEOUT}.
   *
   * @param java the java executable to run
   * @param addresses candidate scheduler addresses, tried in order
   * @param ownClasspath daisy-java itself (the launcher's classpath), before the user's
   */
  public static WorkerCommand of(String java, WorkerSettings worker, String ownClasspath,
      List<String> addresses, String task, Path runDir, Path keyFile) {
    return of(java, worker, ownClasspath, addresses, task, runDir, keyFile,
        worker.connectTimeout().orElse(WorkerSettings.DEFAULT_CONNECT_TIMEOUT));
  }

  /**
   * @param connectTimeout how long the worker tries to reach the scheduler ({@code
   *     --connect-timeout}), always given so that the command shows what the worker will do
   */
  public static WorkerCommand of(String java, WorkerSettings worker, String ownClasspath,
      List<String> addresses, String task, Path runDir, Path keyFile, Duration connectTimeout) {
    if (connectTimeout.toMillis() < 1) {
      throw new IllegalArgumentException("connect timeout must be >= 1ms, got " + connectTimeout);
    }
    List<String> cp = new ArrayList<>();
    cp.add(ownClasspath);
    for (String entry : worker.classpath()) {
      cp.add(Path.of(entry).toAbsolutePath().toString());
    }
    List<String> argv = new ArrayList<>();
    argv.add(java);
    argv.addAll(worker.jvmOptions());
    argv.add("-cp");
    argv.add(String.join(File.pathSeparator, cp));
    argv.add(MAIN);
    argv.add("--connect");
    argv.add(String.join(",", addresses));
    argv.add("--task");
    argv.add(task);
    argv.add("--run-dir");
    argv.add(runDir.toString());
    argv.add("--key-file");
    argv.add(keyFile.toString());
    argv.add("--connect-timeout");
    // whole seconds as such, so that a printed command reads as the config was written
    long millis = connectTimeout.toMillis();
    argv.add(millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms");
    return new WorkerCommand(List.copyOf(argv), Map.copyOf(new LinkedHashMap<>(worker.env())));
  }

  /**
   * This command with JVM options put right after the java executable, before {@code
   * worker.jvm_options} (which therefore win where they say otherwise).
   */
  public WorkerCommand withLeadingJvmOptions(List<String> options) {
    if (options.isEmpty()) {
      return this;
    }
    List<String> more = new ArrayList<>(argv.size() + options.size());
    more.add(argv.get(0));
    more.addAll(options);
    more.addAll(argv.subList(1, argv.size()));
    return new WorkerCommand(List.copyOf(more), env);
  }

  /** The command asking the scheduler for worker id {@code id} ({@code --worker-id}). */
  public WorkerCommand withWorkerId(long id) {
    return withOption("--worker-id", Long.toString(id));
  }

  /**
   * The command of a job whose worker leaves cleanly {@code after} past the job's start
   * ({@code --drain-after}), even if the batch system's walltime warning never reaches it.
   */
  public WorkerCommand withDrainAfter(Duration after) {
    if (after.toSeconds() < 1) {
      throw new IllegalArgumentException("drain after must be >= 1s, got " + after);
    }
    return withOption("--drain-after", after.toSeconds() + "s");
  }

  private WorkerCommand withOption(String option, String value) {
    List<String> more = new ArrayList<>(argv);
    more.add(option);
    more.add(value);
    return new WorkerCommand(List.copyOf(more), env);
  }

  /**
   * This command running {@code slots} blocks at once ({@code --slots N}); one slot, the worker's
   * default, adds nothing.
   */
  public WorkerCommand withSlots(int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be >= 1, got " + slots);
    }
    if (slots == 1) {
      return this;
    }
    return withOption("--slots", Integer.toString(slots));
  }

  /** This command with a task's {@code env} added to its environment, winning over {@code worker.env}. */
  public WorkerCommand withEnv(Map<String, String> taskEnv) {
    if (taskEnv == null || taskEnv.isEmpty()) {
      return this;
    }
    Map<String, String> merged = new LinkedHashMap<>(env);
    merged.putAll(taskEnv);
    return new WorkerCommand(argv, Map.copyOf(merged));
  }

  /** The classpath this JVM runs with, absolute: the jar, or the build's class directories. */
  public static String ownClasspath() {
    List<String> out = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!e.isEmpty()) {
        out.add(Path.of(e).toAbsolutePath().toString());
      }
    }
    return String.join(File.pathSeparator, out);
  }

  /** The java of this JVM: workers on this machine run the same runtime. */
  public static String currentJava() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
