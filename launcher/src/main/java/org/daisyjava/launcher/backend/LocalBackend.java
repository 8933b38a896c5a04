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
import java.util.logging.Logger;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.TaskConfig;
import org.daisyjava.launcher.run.LaunchException;
import org.daisyjava.launcher.run.RunDirectory;
import org.daisyjava.scheduler.server.SchedulerServer;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSnapshot;

/**
 * Workers as processes on this machine: {@code num_workers} per task, started as soon as the
 * task has ready blocks, each with its own {@code .out}/{@code .err} pair under
 * {@code run_dir/logs/<task>/}. A worker that exits with an error while its task still has work
 * is replaced, at most {@code worker.max_restarts} times per task; after that the task is given
 * up with a reason that quotes the last worker's log.
 */
public final class LocalBackend implements Backend {
  private static final Logger LOG = Logger.getLogger(LocalBackend.class.getName());
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  /** The least time a local worker gets to reach the scheduler; see {@link Factory#connectTimeout}. */
  static final Duration MIN_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final List<TaskConfig> tasks;
  private final RunDirectory dir;
  private final SchedulerServer server;
  private final int maxRestarts;
  /** The command for a task's worker. */
  private final Function<String, WorkerCommand> command;
  private final List<List<Running>> running = new ArrayList<>();
  private final int[] started;
  private final int[] deaths;
  private final boolean[] active;
  private final boolean[] givenUp;

  /** One worker process and where its output goes. */
  private record Running(Process process, Path out, Path err) {}

  public LocalBackend(List<TaskConfig> tasks, RunDirectory dir, SchedulerServer server,
      int maxRestarts, Function<String, WorkerCommand> command) {
    this.tasks = tasks;
    this.dir = dir;
    this.server = server;
    this.maxRestarts = maxRestarts;
    this.command = command;
    for (int t = 0; t < tasks.size(); t++) {
      running.add(new ArrayList<>());
    }
    started = new int[tasks.size()];
    deaths = new int[tasks.size()];
    active = new boolean[tasks.size()];
    givenUp = new boolean[tasks.size()];
  }

  @Override
  public void supervise(ServerSnapshot snapshot) throws LaunchException {
    for (int t = 0; t < tasks.size(); t++) {
      TaskSnapshot ts = snapshot.tasks().get(t);
      reap(t, ts);
      boolean finished = ts.counts().finished();
      if (finished || givenUp[t]) {
        continue;
      }
      active[t] |= ts.hasReady();
      while (active[t] && running.get(t).size() < tasks.get(t).numWorkers()) {
        spawn(t);
      }
    }
  }

  /** Forgets exited workers; one that failed while its task had work counts as a death. */
  private void reap(int t, TaskSnapshot ts) {
    for (var it = running.get(t).iterator(); it.hasNext(); ) {
      Running r = it.next();
      if (r.process.isAlive()) {
        continue;
      }
      it.remove();
      int code = r.process.exitValue();
      if (code == 0 || ts.counts().finished()) {
        continue;
      }
      deaths[t]++;
      String name = tasks.get(t).name();
      LOG.warning("a worker of task " + name + " exited with code " + code + " (" + dir.root().relativize(r.err)
          + "); " + (deaths[t] <= maxRestarts ? "replacing it (" + deaths[t] + " of " + maxRestarts + " restarts)"
              : "no restarts left"));
      if (deaths[t] > maxRestarts && !givenUp[t]) {
        givenUp[t] = true;
        server.abandonTask(t, "task " + name + ": worker processes died " + deaths[t]
            + " times (worker.max_restarts is " + maxRestarts + "); the last one exited with code "
            + code + ", its log " + r.err + " ends with:\n" + tail(r.err, 8));
      }
    }
  }

  private void spawn(int t) throws LaunchException {
    String name = tasks.get(t).name();
    Path out;
    Path err;
    do {
      // numbers taken by the workers of an earlier launch of this run (before a resume) are
      // skipped: their logs are kept, and an orphaned worker may still be writing to them
      int n = ++started[t];
      out = dir.logs(name).resolve("worker-" + n + ".out");
      err = dir.logs(name).resolve("worker-" + n + ".err");
    } while (Files.exists(out) || Files.exists(err));
    WorkerCommand cmd = command.apply(name);
    ProcessBuilder pb = new ProcessBuilder(cmd.argv())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    pb.environment().putAll(cmd.env());
    pb.environment().put("DAISY_LOG", err.toString());
    try {
      running.get(t).add(new Running(pb.start(), out, err));
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

  @Override
  public String status(String task) {
    for (int t = 0; t < tasks.size(); t++) {
      if (tasks.get(t).name().equals(task)) {
        long alive = running.get(t).stream().filter(r -> r.process.isAlive()).count();
        return alive + " worker" + (alive == 1 ? "" : "s") + (deaths[t] > 0 ? ", " + deaths[t] + " died" : "");
      }
    }
    return "";
  }

  @Override
  public void awaitExit(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (List<Running> rs : running) {
      for (Running r : rs) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !r.process.waitFor(left, TimeUnit.NANOSECONDS)) {
          return;
        }
      }
    }
  }

  /** Local worker processes, connecting over loopback. */
  static final class Factory implements BackendFactory {
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

    private static Function<String, WorkerCommand> command(PipelineConfig config, RunDirectory dir,
        String address, String keyFile) {
      // worker.java names the java of compute nodes; here the workers share this machine's
      String java = config.worker().java().equals("java") ? WorkerCommand.currentJava() : config.worker().java();
      String own = WorkerCommand.ownClasspath();
      long connectMillis = connectTimeout(config.scheduler().deadAfter()).toMillis();
      return task -> {
        WorkerCommand c = WorkerCommand.of(java, config.worker(), own, List.of(address), task,
            dir.root(), Path.of(keyFile));
        List<String> argv = new ArrayList<>(c.argv());
        argv.add("--connect-timeout");
        argv.add(connectMillis + "ms");
        return new WorkerCommand(List.copyOf(argv), c.env());
      };
    }

    /**
     * How long a local worker tries to reach the scheduler. The scheduler listens before any
     * local worker starts, so a worker that gets no answer belongs to a launcher that has died:
     * it gives up after the silence that also ends a connected worker (heartbeat_interval x
     * liveness), not after the 60 s that suit a cluster job, but never before
     * {@link #MIN_CONNECT_TIMEOUT} (a JVM starting on a loaded machine may be slow to say hello).
     */
    static Duration connectTimeout(Duration deadAfter) {
      return deadAfter.compareTo(MIN_CONNECT_TIMEOUT) > 0 ? deadAfter : MIN_CONNECT_TIMEOUT;
    }
  }

  @Override
  public void stopAll() {
    List<Process> all = new ArrayList<>();
    for (List<Running> rs : running) {
      for (Running r : rs) {
        if (r.process.isAlive()) {
          r.process.descendants().forEach(ProcessHandle::destroy);
          r.process.destroy();
          all.add(r.process);
        }
      }
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
