package org.daisyjava.launcher;

import java.util.List;
import java.util.Map;
import org.daisyjava.scheduler.state.Failure;
import org.daisyjava.scheduler.state.TaskCounts;

/**
 * What {@link Daisy#run} returns: per task counts (as in summary.json), the first failures, the
 * run's final state and its exit code as the command line would give it.
 */
public record RunResult(Map<String, TaskCounts> tasks, List<Failure> failures, String state, int exitCode) {
  /** True if every block of every task completed (or was skipped as already done). */
  public boolean succeeded() {
    return exitCode == ExitCode.OK;
  }
}
