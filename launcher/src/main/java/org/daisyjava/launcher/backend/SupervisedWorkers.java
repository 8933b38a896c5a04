package org.daisyjava.launcher.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.daisyjava.launcher.config.TaskConfig;
import org.daisyjava.launcher.run.LaunchException;
import org.daisyjava.scheduler.server.SchedulerServer;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSnapshot;

/**
 * Backends whose workers the launcher starts and watches itself (processes on this machine,
 * threads of this JVM): {@code num_workers} per task, started as soon as the task has ready
 * blocks and kept until it is finished. A worker that ends with an error while its task still
 * has work is a death: it is replaced, at most {@code worker.max_restarts} times per task, after
 * which the task is given up through the server with a reason that says where to look.
 *
 * @param <W> one running worker
 */
abstract class SupervisedWorkers<W> implements Backend {
  final List<TaskConfig> tasks;
  private final RestartPolicy restarts;
  private final List<List<W>> running = new ArrayList<>();
  private final boolean[] active;

  SupervisedWorkers(List<TaskConfig> tasks, SchedulerServer server, int maxRestarts) {
    this.tasks = tasks;
    this.restarts = new RestartPolicy(server, tasks.size(), maxRestarts);
    for (int t = 0; t < tasks.size(); t++) {
      running.add(new ArrayList<>());
    }
    active = new boolean[tasks.size()];
  }

  /** Starts one worker of task {@code t}. */
  abstract W start(int t) throws LaunchException;

  /** The worker's exit code, or null while it runs. */
  abstract Integer exitCode(W worker);

  /** Where to look when {@code worker} died, e.g. its log file and the log's last lines. */
  abstract String whereToLook(W worker);

  /** "worker process", "worker thread". */
  abstract String kind();

  /** Asks every given worker to stop, and makes sure they are gone within a grace period. */
  abstract void stop(List<W> workers);

  /** Waits up to {@code nanos} for the worker to end; false on timeout. */
  abstract boolean await(W worker, long nanos) throws InterruptedException;

  @Override
  public final void supervise(ServerSnapshot snapshot) throws LaunchException {
    for (int t = 0; t < tasks.size(); t++) {
      TaskSnapshot ts = snapshot.tasks().get(t);
      reap(t, ts.counts().finished());
      if (ts.counts().finished() || restarts.givenUp(t)) {
        continue;
      }
      active[t] |= ts.hasReady();
      while (active[t] && running.get(t).size() < tasks.get(t).numWorkers()) {
        running.get(t).add(start(t));
      }
    }
  }

  /** Forgets ended workers; one that failed while its task had work counts as a death. */
  private void reap(int t, boolean finished) {
    for (var it = running.get(t).iterator(); it.hasNext(); ) {
      W w = it.next();
      Integer code = exitCode(w);
      if (code == null) {
        continue;
      }
      it.remove();
      if (code == 0 || finished) {
        continue;
      }
      restarts.death(t, tasks.get(t).name(), "a " + kind(), "ended with code " + code
          + ExitStatus.explain(code), whereToLook(w));
    }
  }

  @Override
  public String status(String task) {
    for (int t = 0; t < tasks.size(); t++) {
      if (tasks.get(t).name().equals(task)) {
        long alive = running.get(t).stream().filter(w -> exitCode(w) == null).count();
        int deaths = restarts.deaths(t);
        return alive + " worker" + (alive == 1 ? "" : "s") + (deaths > 0 ? ", " + deaths + " died" : "");
      }
    }
    return "";
  }

  @Override
  public void awaitExit(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (List<W> ws : running) {
      for (W w : ws) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !await(w, left)) {
          return;
        }
      }
    }
  }

  @Override
  public void stopAll() {
    List<W> alive = new ArrayList<>();
    for (List<W> ws : running) {
      for (W w : ws) {
        if (exitCode(w) == null) {
          alive.add(w);
        }
      }
    }
    stop(alive);
  }
}
