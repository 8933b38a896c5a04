package org.daisyjava.launcher.backend;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.TaskConfig;
import org.daisyjava.launcher.run.LaunchException;
import org.daisyjava.launcher.run.RunDirectory;
import org.daisyjava.scheduler.server.SchedulerServer;

/**
 * Workers as processes on this machine: {@code num_workers} per task, started as soon as the
 * task has ready blocks, each with its own {@code .out}/{@code .err} pair under
 * {@code run_dir/logs/<task>/}. A worker that exits with an error while its task still has work
 * is replaced, at most {@code worker.max_restarts} times per task; after that the task is given
 * up with a reason that quotes the last worker's log.
 */
public final class LocalBackend extends SupervisedWorkers<LocalBackend.Running> {
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  /** The least time a local worker gets to reach the scheduler; see {@link Factory#connectTimeout}. */
  static final Duration MIN_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final RunDirectory dir;
  /** The command for a task's worker. */
  private final Function<String, WorkerCommand> command;
  /**
   * The last worker number given, across tasks: a worker asks the scheduler for its number as its
   * id ({@code --worker-id}), so that {@code DAISY_WORKER_ID}, the scheduler's messages and the
   * names of its log files {@code logs/<task>/worker-<id>.*} agree.
   */
  private long lastNumber;

  /** One worker process and where its output goes. */
  record Running(Process process, Path out, Path err) {}

  public LocalBackend(List<TaskConfig> tasks, RunDirectory dir, SchedulerServer server,
      int maxRestarts, Function<String, WorkerCommand> command) {
    super(tasks, server, maxRestarts);
    this.dir = dir;
    this.command = command;
  }

  @Override
  String kind() {
    return "worker process";
  }

  @Override
  Integer exitCode(Running r) {
    return r.process.isAlive() ? null : r.process.exitValue();
  }

  @Override
  String whereToLook(Running r) {
    return ", its log " + r.err + " ends with:\n" + tail(r.err, 8);
  }

  @Override
  boolean await(Running r, long nanos) throws InterruptedException {
    return r.process.waitFor(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  Running start(int t) throws LaunchException {
    String name = tasks.get(t).name();
    Path out;
    Path err;
    long n;
    do {
      // numbers taken by the workers of an earlier launch of this run (before a resume) are
      // skipped: their logs are kept, and an orphaned worker may still be writing to them
      n = ++lastNumber;
      out = dir.logs(name).resolve("worker-" + n + ".out");
      err = dir.logs(name).resolve("worker-" + n + ".err");
    } while (Files.exists(out) || Files.exists(err));
    WorkerCommand cmd = command.apply(name).withWorkerId(n);
    ProcessBuilder pb = new ProcessBuilder(cmd.argv())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    pb.environment().putAll(cmd.env());
    pb.environment().put("DAISY_LOG", err.toString());
    try {
      return new Running(pb.start(), out, err);
    } catch (IOException e) {
      // the java of worker.java cannot be started at all: the same for every replacement
      throw new LaunchException(ExitCode.CLUSTER, "cannot start a worker process for task " + name
          + " (" + cmd.argv().get(0) + "): " + e.getMessage());
    }
  }

  /** The last {@code lines} lines of a log file, indented, or a note that it is empty. */
  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      if (all.isEmpty()) {
        return "    (empty)";
      }
      StringBuilder s = new StringBuilder();
      for (String l : all.subList(Math.max(0, all.size() - lines), all.size())) {
        s.append("    ").append(l).append('\n');
      }
      return s.toString().stripTrailing();
    } catch (IOException e) {
      return "    (unreadable: " + e.getMessage() + ")";
    }
  }

  /** Local worker processes, connecting over loopback. */
  static final class Factory implements BackendFactory {
    private final WorkerClassData classData;

    /** Workers get the class-data archive the launch script named, if any. */
    Factory() {
      this(WorkerClassData.fromSystemProperties());
    }

    Factory(WorkerClassData classData) {
      this.classData = classData;
    }

    @Override
    public String bindHost() {
      return "127.0.0.1";
    }

    @Override
    public int dryRun(PipelineConfig config, RunDirectory dir, PrintStream out) {
      out.println("# backend local: per task, num_workers processes like these would run"
          + " (nothing was started)");
      for (TaskConfig t : config.tasks()) {
        WorkerCommand c = command(config, dir, "tcp://127.0.0.1:PORT", "KEY_FILE").apply(t.name());
        out.println("# task " + t.name() + ": " + t.numWorkers() + " x");
        out.println(String.join(" ", c.argv()));
      }
      return ExitCode.OK;
    }

    @Override
    public Backend create(PipelineConfig config, RunDirectory dir, SchedulerServer server, int port,
        String key) {
      return new LocalBackend(config.tasks(), dir, server, config.worker().maxRestarts(),
          command(config, dir, "tcp://127.0.0.1:" + port, dir.keyFile().toString()));
    }

    private Function<String, WorkerCommand> command(PipelineConfig config, RunDirectory dir,
        String address, String keyFile) {
      // worker.java names the java of compute nodes; here the workers share this machine's
      String java = config.worker().java().equals("java") ? WorkerCommand.currentJava() : config.worker().java();
      String own = WorkerCommand.ownClasspath();
      Duration connect = config.worker().connectTimeout()
          .orElse(connectTimeout(config.scheduler().deadAfter()));
      // the archive was made by this java with this classpath first: another java gets none
      boolean ownJava = java.equals(WorkerCommand.currentJava());
      return task -> {
        List<String> leading = new ArrayList<>(ownJava ? classData.jvmOptions() : List.of());
        leading.addAll(LocalWorkerCompiler.options(config.task(task)));
        return WorkerCommand.of(java, config.worker(), own, List.of(address), task,
            dir.root(), Path.of(keyFile), connect).withEnv(config.task(task).env())
            .withSlots(WorkerSlots.of(config, config.task(task), null))
            .withLeadingJvmOptions(leading);
      };
    }

    /**
     * How long a local worker tries to reach the scheduler unless {@code worker.connect_timeout}
     * says otherwise. The scheduler listens before any local worker starts, so a worker that gets
     * no answer belongs to a launcher that has died: it gives up after the silence that also ends
     * a connected worker (heartbeat_interval x liveness), not after the 60 s that suit a cluster
     * job, but never before {@link #MIN_CONNECT_TIMEOUT} (a JVM starting on a loaded machine may
     * be slow to say hello).
     */
    static Duration connectTimeout(Duration deadAfter) {
      return deadAfter.compareTo(MIN_CONNECT_TIMEOUT) > 0 ? deadAfter : MIN_CONNECT_TIMEOUT;
    }
  }

  /** SIGTERM to each worker and what it started; SIGKILL to what is left after a grace period. */
  @Override
  void stop(List<Running> workers) {
    List<Process> all = new ArrayList<>();
    for (Running r : workers) {
      r.process.descendants().forEach(ProcessHandle::destroy);
      r.process.destroy();
      all.add(r.process);
    }
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (Process p : all) {
      try {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }
}
