package org.daisyjava.launcher.backend;

import java.io.PrintStream;
import java.time.Duration;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.TaskConfig;
import org.daisyjava.launcher.run.RunDirectory;
import org.daisyjava.scheduler.server.SchedulerServer;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSnapshot;

/**
 * {@code --backend external}: the launcher starts no worker. It runs the scheduler, prints how to
 * start a worker of each task ({@link ExternalWorkers}), and waits for workers the user starts
 * anywhere — an {@code srun} inside an allocation, another machine. A worker that leaves or dies
 * is replaced by nobody; its blocks go back to the queue for the others. The run ends like any
 * run: when every task is done, or on SIGINT/SIGTERM (exit 130), after which the external workers
 * find the scheduler gone and exit by themselves (code 3).
 */
final class ExternalBackend implements Backend {
  /** How often {@link #awaitExit} looks whether the workers have left. */
  private static final long LOOK_MILLIS = 50;

  private final SchedulerServer server;
  private volatile ServerSnapshot last;

  ExternalBackend(SchedulerServer server) {
    this.server = server;
  }

  @Override
  public void supervise(ServerSnapshot snapshot) {
    last = snapshot; // nothing to start or replace
  }

  @Override
  public String status(String task) {
    ServerSnapshot s = last;
    if (s == null) {
      return "";
    }
    for (TaskSnapshot t : s.tasks()) {
      if (t.name().equals(task)) {
        return t.workers() + " external worker" + (t.workers() == 1 ? "" : "s");
      }
    }
    return "";
  }

  /**
   * Gives the workers, told no_more_blocks, the time to say goodbye before the scheduler goes
   * (then they exit 0, not 3): waits until none is connected or the timeout has passed.
   */
  @Override
  public void awaitExit(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - deadline < 0) {
      int connected = 0;
      for (TaskSnapshot t : server.snapshot().tasks()) {
        connected += t.workers();
      }
      if (connected == 0) {
        return;
      }
      Thread.sleep(LOOK_MILLIS);
    }
  }

  /** The launcher cannot stop processes it did not start; they leave when the scheduler has gone. */
  @Override
  public void stopAll() {}

  /** Binds every interface, as a cluster backend does: the workers may come from other machines. */
  static final class Factory implements BackendFactory {
    @Override
    public boolean startsWorkers() {
      return false;
    }

    @Override
    public String bindHost() {
      return "*";
    }

    @Override
    public int dryRun(PipelineConfig config, RunDirectory dir, PrintStream out) {
      out.println("# backend external: nothing is started; once the scheduler listens, daisy-launch"
          + " prints for each task the command that starts one of its workers:");
      for (TaskConfig t : config.tasks()) {
        out.println("# task " + t.name() + ": daisy-worker --connect tcp://HOST:PORT --task " + t.name()
            + " --run-dir " + dir.root().toAbsolutePath() + " --key-file " + dir.keyFile().toAbsolutePath()
            + slots(WorkerSlots.of(config, t, null)));
      }
      return ExitCode.OK;
    }

    private static String slots(int n) {
      return n == 1 ? "" : " --slots " + n;
    }

    @Override
    public Backend create(PipelineConfig config, RunDirectory dir, SchedulerServer server, int port,
        String key) {
      return new ExternalBackend(server);
    }
  }
}
