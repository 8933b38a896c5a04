package org.daisyjava.launcher;

import java.util.List;
import java.util.Map;
import org.daisyjava.core.Roi;

/**
 * What {@link Daisy#run} returns: how each task ended (as in summary.json), the first failures,
 * the run's final state (as in status.json: {@code finished}, {@code failed}, …) and its exit
 * code as the command line would give it.
 *
 * @param tasks each task's counts, in the order the tasks were given
 */
public record RunResult(Map<String, TaskResult> tasks, List<Failure> failures, String state, int exitCode) {
  /** True if every block of every task completed (or was skipped as already done). */
  public boolean succeeded() {
    return exitCode == ExitCode.OK;
  }

  /** Something that failed for good: one block, or a whole task that was given up. */
  public sealed interface Failure permits BlockFailure, TaskFailure {
    String task();

    /** The error text: the block's last attempt's, or why the task was given up. */
    String error();

    /** Where to look: the worker and its log file, if known (else null). */
    String source();
  }

  /**
   * A block that failed on every attempt.
   *
   * @param writeRoi the block's write ROI in world units: where its output is missing
   */
  public record BlockFailure(String task, long blockId, Roi writeRoi, int attempts, String error, String source)
      implements Failure {}

  /** A task given up as a whole (its workers could not be kept running, its code failed to set up). */
  public record TaskFailure(String task, String error, String source) implements Failure {}
}
