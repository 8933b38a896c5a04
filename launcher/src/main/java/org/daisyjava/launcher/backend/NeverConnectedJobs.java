package org.daisyjava.launcher.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.run.LaunchException;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSnapshot;
import org.daisyjava.worker.WorkerExitCodes;

/**
 * Worker jobs that ended before any worker of their task ever reached the scheduler, their
 * workers having given up connecting. That is almost always the compute nodes failing to reach
 * the head (wrong {@code scheduler.host}, a firewall, another network), and replacing such jobs
 * {@code max_restarts} times only repeats the connect timeout again and again. So once
 * {@link #LIMIT} jobs of a task ended that way, the run stops with exit 3 and a message that says
 * what the workers tried and what to set.
 *
 * <p>The evidence is the worker's own reason line in the job's log (it starts with {@link
 * WorkerExitCodes#NEVER_CONNECTED_LINE}; the batch system's queue forgets exit codes), and that
 * no worker of the task has been seen at the scheduler (a connected or a lost worker in a
 * snapshot). A job that died for another reason (no java on the node, killed) is an ordinary lost
 * worker of {@link ClusterBackend}; so is every job of a task that has once been reached.
 */
final class NeverConnectedJobs {
  /** Jobs of one task that may end unreached before the run stops. */
  static final int LIMIT = 2;
  /** A never-connected worker writes a few lines; more than this is a worker that worked. */
  private static final long MAX_LOG_BYTES = 4 << 20;

  private final boolean[] reached;
  private final List<List<String>> jobs = new ArrayList<>();
  private final Path[] lastLog;
  private final String[] lastReason;

  NeverConnectedJobs(int tasks) {
    reached = new boolean[tasks];
    lastLog = new Path[tasks];
    lastReason = new String[tasks];
    for (int t = 0; t < tasks; t++) {
      jobs.add(new ArrayList<>());
    }
  }

  /** Notes which tasks have had a worker at the scheduler. */
  void observe(ServerSnapshot snapshot) {
    for (int t = 0; t < reached.length && t < snapshot.tasks().size(); t++) {
      TaskSnapshot ts = snapshot.tasks().get(t);
      reached[t] |= ts.workers() > 0 || ts.workersLost() > 0;
    }
  }

  /**
   * A job of task {@code t} ended while the task had work. Returns true if it counts as never
   * connected (then it is not a lost worker: it never was one).
   */
  boolean ended(int t, String jobId, Path log) {
    if (reached[t]) {
      return false;
    }
    String reason = reasonLine(log);
    if (reason == null) {
      return false;
    }
    jobs.get(t).add(jobId);
    lastLog[t] = log;
    lastReason[t] = reason;
    return true;
  }

  int count(int t) {
    return jobs.get(t).size();
  }

  /** {@code "2 jobs never connected"}, or empty. */
  String status(int t) {
    int n = count(t);
    return n == 0 ? "" : n + (n == 1 ? " job" : " jobs") + " never connected";
  }

  /**
   * The error that stops the run once {@link #LIMIT} jobs of task {@code t} ended unreached, or
   * null; {@code addresses} are what the workers were given.
   */
  LaunchException verdict(int t, String task, List<String> addresses) {
    List<String> ids = jobs.get(t);
    if (ids.size() < LIMIT) {
      return null;
    }
    return new LaunchException(ExitCode.CLUSTER, "task " + task + ": " + ids.size() + " worker jobs ("
        + String.join(", ", ids) + ") ended without any worker of the task ever reaching the scheduler,"
        + " so the run stops instead of replacing them.\n"
        + "The workers tried " + String.join(", ", addresses) + " and no scheduler answered; the last job's"
        + " log " + lastLog[t] + " says:\n  " + lastReason[t] + "\n"
        + "The compute nodes cannot reach this machine at those addresses. Set scheduler.host to an address"
        + " of this machine they can reach ('daisy-launch doctor CONFIG.yaml' tests each candidate from a"
        + " compute node), and if a firewall lies between them, set scheduler.port to a range it lets"
        + " through (e.g. \"40000-40100\"). Then run again with --resume.");
  }

  /** The worker's "never connected" line in {@code log}, or null. */
  private static String reasonLine(Path log) {
    try {
      if (log == null || !Files.isRegularFile(log) || Files.size(log) > MAX_LOG_BYTES) {
        return null;
      }
      String reason = null;
      for (String line : Files.readAllLines(log)) {
        int at = line.indexOf(WorkerExitCodes.NEVER_CONNECTED_LINE);
        if (at >= 0) {
          reason = line.substring(at).strip();
        }
      }
      return reason;
    } catch (IOException | java.io.UncheckedIOException e) {
      return null;
    }
  }
}
