package org.daisyjava.launcher;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How far a {@link Daisy#run} has got: what the callback of {@link Daisy.Options#withProgress}
 * is handed when a count has changed (at most once per tick of the launch loop, about every 50
 * ms) and once more when the run ends.
 *
 * @param elapsed since the run started
 * @param tasks every task, in the pipeline's order
 * @param ended true in the last call, made when the run is over (finished, failed or stopped)
 */
public record Progress(Duration elapsed, Map<String, TaskProgress> tasks, boolean ended) {
  public Progress {
    tasks = Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
  }

  /**
   * One task so far.
   *
   * @param counts its blocks counted so far, as the {@link RunResult} will count them at the end
   * @param running blocks being run now
   */
  public record TaskProgress(TaskResult counts, long running) {}

  /**
   * The share of all tasks' blocks that have come to an end (completed, skipped, failed for good
   * or orphaned), from 0 to 1: what a progress bar shows. 1 for a pipeline of no blocks.
   */
  public double fraction() {
    long total = 0;
    long over = 0;
    for (TaskProgress t : tasks.values()) {
      TaskResult c = t.counts();
      total += c.total();
      over += c.completed() + c.failed() + c.orphaned();
    }
    return total == 0 ? 1 : (double) over / total;
  }
}
