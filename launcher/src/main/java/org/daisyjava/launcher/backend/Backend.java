package org.daisyjava.launcher.backend;

import java.time.Duration;
import org.daisyjava.launcher.run.LaunchException;
import org.daisyjava.scheduler.server.ServerSnapshot;

/**
 * Where workers run. The launch loop calls {@link #supervise} every tick; the backend starts
 * workers for tasks that have work, replaces dead ones (up to {@code worker.max_restarts} per
 * task, then gives the task up through the server) and reports what it is doing.
 */
public interface Backend {
  /** Starts or replaces workers as the snapshot requires. Throws to end the run (exit code 3). */
  void supervise(ServerSnapshot snapshot) throws LaunchException;

  /** A few words on the workers of {@code task} for the progress line, or "". */
  default String status(String task) {
    return "";
  }

  /**
   * Per task, how its lost workers ended (a few reasons, each with its count) for the summary;
   * empty for tasks that lost none.
   */
  default java.util.Map<String, java.util.List<String>> workerLosses() {
    return java.util.Map.of();
  }

  /** Waits up to {@code timeout} for the workers to leave by themselves (after no_more_blocks). */
  void awaitExit(Duration timeout) throws InterruptedException;

  /** Stops every worker of the run that is still there (kill, cancel). */
  void stopAll();

  /** Where to report submitted and cancelled jobs (backends without jobs report nothing). */
  default void reportJobsTo(JobEvents events) {}
}
