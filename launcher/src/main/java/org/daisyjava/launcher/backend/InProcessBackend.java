package org.daisyjava.launcher.backend;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.TaskConfig;
import org.daisyjava.launcher.run.RunDirectory;
import org.daisyjava.scheduler.server.BlockChecker;
import org.daisyjava.scheduler.server.SchedulerServer;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSnapshot;
import org.daisyjava.worker.BlockCheck;
import org.daisyjava.worker.BlockFunction;
import org.daisyjava.worker.Worker;
import org.daisyjava.worker.WorkerExitCodes;
import org.daisyjava.worker.WorkerOptions;

/**
 * Workers as threads of this JVM running the block functions of a pipeline built in code. They
 * speak the same protocol over loopback as any worker, so they get the same heartbeats, leases,
 * timeouts and retries. A worker whose function cannot set up (or that stops with an error) is
 * replaced at most {@code worker.max_restarts} times per task.
 */
public final class InProcessBackend implements Backend {
  private static final Logger LOG = Logger.getLogger(InProcessBackend.class.getName());

  private final List<TaskConfig> tasks;
  private final Map<String, BlockFunction> functions;
  private final SchedulerServer server;
  private final String address;
  private final WorkerOptions options;
  private final int maxRestarts;
  private final List<List<Running>> running = new ArrayList<>();
  private final int[] deaths;
  private final boolean[] active;
  private final boolean[] givenUp;

  private record Running(Worker worker, CompletableFuture<Integer> exit) {}

  InProcessBackend(List<TaskConfig> tasks, Map<String, BlockFunction> functions,
      SchedulerServer server, String address, WorkerOptions options, int maxRestarts) {
    this.tasks = tasks;
    this.functions = functions;
    this.server = server;
    this.address = address;
    this.options = options;
    this.maxRestarts = maxRestarts;
    for (int t = 0; t < tasks.size(); t++) {
      running.add(new ArrayList<>());
    }
    deaths = new int[tasks.size()];
    active = new boolean[tasks.size()];
    givenUp = new boolean[tasks.size()];
  }

  @Override
  public void supervise(ServerSnapshot snapshot) {
    for (int t = 0; t < tasks.size(); t++) {
      TaskSnapshot ts = snapshot.tasks().get(t);
      String name = tasks.get(t).name();
      for (var it = running.get(t).iterator(); it.hasNext(); ) {
        Running r = it.next();
        if (!r.exit.isDone()) {
          continue;
        }
        it.remove();
        int code = r.exit.getNow(-1);
        if (code != WorkerExitCodes.FINISHED && !ts.counts().finished()) {
          deaths[t]++;
          LOG.warning("a worker thread of task " + name + " stopped with code " + code);
          if (deaths[t] > maxRestarts && !givenUp[t]) {
            givenUp[t] = true;
            server.abandonTask(t, "task " + name + ": its workers stopped " + deaths[t]
                + " times (worker.max_restarts is " + maxRestarts + "); the last exit code was "
                + code + " (4: the block function could not be set up)");
          }
        }
      }
      if (ts.counts().finished() || givenUp[t]) {
        continue;
      }
      active[t] |= ts.hasReady();
      while (active[t] && running.get(t).size() < tasks.get(t).numWorkers()) {
        Worker w = new Worker(List.of(address), name, options.withFunction(functions.get(name)));
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread th = new Thread(() -> {
          try {
            exit.complete(w.run());
          } catch (RuntimeException | Error e) {
            exit.complete(-1);
            throw e;
          }
        }, "daisy-worker-" + name + "-" + running.get(t).size());
        th.setDaemon(true);
        th.start();
        running.get(t).add(new Running(w, exit));
      }
    }
  }

  @Override
  public String status(String task) {
    for (int t = 0; t < tasks.size(); t++) {
      if (tasks.get(t).name().equals(task)) {
        long alive = running.get(t).stream().filter(r -> !r.exit.isDone()).count();
        return alive + " worker thread" + (alive == 1 ? "" : "s");
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
        if (left <= 0) {
          return;
        }
        try {
          r.exit.get(left, java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          return;
        }
      }
    }
  }

  @Override
  public void stopAll() {
    for (List<Running> rs : running) {
      for (Running r : rs) {
        r.worker.stop();
      }
    }
    try {
      awaitExit(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** For {@link org.daisyjava.launcher.Daisy}: functions and checks by task name. */
  public static final class Factory implements BackendFactory {
    private final Map<String, BlockFunction> functions;
    private final Map<String, BlockCheck> checks;

    public Factory(Map<String, BlockFunction> functions, Map<String, BlockCheck> checks) {
      this.functions = Map.copyOf(functions);
      this.checks = Map.copyOf(checks);
    }

    @Override
    public boolean bringsOwnCode() {
      return true;
    }

    @Override
    public String bindHost() {
      return "127.0.0.1";
    }

    @Override
    public int dryRun(PipelineConfig config, RunDirectory dir, PrintStream out) {
      out.println("# in-process workers: nothing to show");
      return ExitCode.OK;
    }

    @Override
    public BlockChecker checker(TaskConfig task, RunDirectory dir, List<String> classpath) {
      BlockCheck c = checks.get(task.name());
      return c == null ? null : c::isDone;
    }

    @Override
    public Backend create(PipelineConfig config, RunDirectory dir, SchedulerServer server, int port,
        String key) {
      WorkerOptions options = WorkerOptions.defaults().withKey(key).withRunDir(dir.root())
          .withConnectTimeout(Duration.ofSeconds(30));
      return new InProcessBackend(config.tasks(), functions, server, "tcp://127.0.0.1:" + port,
          options, config.worker().maxRestarts());
    }
  }
}
