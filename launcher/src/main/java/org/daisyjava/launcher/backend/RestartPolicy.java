package org.daisyjava.launcher.backend;

import java.util.logging.Logger;
import org.daisyjava.scheduler.server.SchedulerServer;

/**
 * {@code worker.max_restarts}, for every supervisor (local processes, in-process threads, batch
 * jobs): per task, a worker that dies while its task still has work is replaced at most
 * {@code max_restarts} times; the next death gives the task up through the server, with a reason
 * that says how the last worker died and quotes where to look.
 */
final class RestartPolicy {
  private static final Logger LOG = Logger.getLogger(RestartPolicy.class.getName());

  private final SchedulerServer server;
  private final int maxRestarts;
  private final int[] deaths;
  private final boolean[] givenUp;

  RestartPolicy(SchedulerServer server, int tasks, int maxRestarts) {
    this.server = server;
    this.maxRestarts = maxRestarts;
    this.deaths = new int[tasks];
    this.givenUp = new boolean[tasks];
  }

  /**
   * Counts one death of a worker of task {@code t}; gives the task up once the restarts are used.
   *
   * @param task the task's name
   * @param worker "a worker process", "worker job 123_4"
   * @param how "ended with code 1", "ended: TIMEOUT — raise slurm.time (now 00:01:00)"
   * @param whereToLook appended to the give-up reason: the log and its last lines
   */
  void death(int t, String task, String worker, String how, String whereToLook) {
    deaths[t]++;
    LOG.warning(worker + " of task " + task + " " + how + "; " + (deaths[t] <= maxRestarts
        ? "replacing it (" + deaths[t] + " of " + maxRestarts + " restarts)" : "no restarts left"));
    if (deaths[t] > maxRestarts && !givenUp[t]) {
      givenUp[t] = true;
      server.abandonTask(t, "task " + task + ": workers died " + deaths[t] + " times (worker.max_restarts is "
          + maxRestarts + "); the last one, " + worker + ", " + how + whereToLook);
    }
  }

  int deaths(int t) {
    return deaths[t];
  }

  /** True once task {@code t} was given up: it gets no more workers. */
  boolean givenUp(int t) {
    return givenUp[t];
  }
}
