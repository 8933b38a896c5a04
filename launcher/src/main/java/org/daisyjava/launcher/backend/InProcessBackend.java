package org.daisyjava.launcher.backend;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.TaskConfig;
import org.daisyjava.launcher.run.RunDirectory;
import org.daisyjava.scheduler.server.BlockChecker;
import org.daisyjava.scheduler.server.SchedulerServer;
import org.daisyjava.worker.BlockCheck;
import org.daisyjava.worker.BlockFunction;
import org.daisyjava.worker.Worker;
import org.daisyjava.worker.WorkerOptions;

/**
 * Workers as threads of this JVM running the block functions of a pipeline built in code. They
 * speak the same protocol over loopback as any worker, so they get the same heartbeats, leases,
 * timeouts and retries. A worker whose function cannot set up (or that stops with an error) is
 * replaced at most {@code worker.max_restarts} times per task.
 */
public final class InProcessBackend extends SupervisedWorkers<InProcessBackend.Running> {
  private final Map<String, BlockFunction> functions;
  private final String address;
  private final WorkerOptions options;

  /** A worker and the thread running it. */
  record Running(Worker worker, CompletableFuture<Integer> exit) {}

  InProcessBackend(List<TaskConfig> tasks, Map<String, BlockFunction> functions,
      SchedulerServer server, String address, WorkerOptions options, int maxRestarts) {
    super(tasks, server, maxRestarts);
    this.functions = functions;
    this.address = address;
    this.options = options;
  }

  @Override
  String kind() {
    return "worker thread";
  }

  @Override
  Running start(int t) {
    String name = tasks.get(t).name();
    Worker w = new Worker(List.of(address), name, options.withFunction(functions.get(name)));
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Thread th = new Thread(() -> {
      try {
        exit.complete(w.run());
      } catch (RuntimeException | Error e) {
        exit.complete(-1);
        throw e;
      }
    }, "daisy-worker-" + name);
    th.setDaemon(true);
    th.start();
    return new Running(w, exit);
  }

  @Override
  Integer exitCode(Running r) {
    return r.exit.isDone() ? r.exit.getNow(-1) : null;
  }

  @Override
  String whereToLook(Running r) {
    return " (4: the block function could not be set up; see the log of this JVM)";
  }

  @Override
  boolean await(Running r, long nanos) throws InterruptedException {
    try {
      r.exit.get(nanos, TimeUnit.NANOSECONDS);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  @Override
  void stop(List<Running> workers) {
    for (Running r : workers) {
      r.worker.stop();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    try {
      for (Running r : workers) {
        await(r, Math.max(1, deadline - System.nanoTime()));
      }
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
