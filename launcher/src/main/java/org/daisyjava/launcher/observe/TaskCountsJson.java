package org.daisyjava.launcher.observe;

import java.util.Map;
import org.daisyjava.scheduler.state.TaskCounts;

/**
 * A task's block counts as every JSON document of the run names them: events.jsonl's
 * {@code task_progress} and {@code task_finished}, {@code status.json}, {@code summary.json} and
 * the page's document. In the contract's order: {@code total}, {@code completed} (skipped blocks
 * included, as daisy counts), {@code skipped}, {@code failed}, {@code orphaned}, {@code retries}
 * and, where the document shows a running task, {@code running}. One owner, so that the documents
 * cannot drift apart; each adds its own members after these.
 */
public final class TaskCountsJson {
  private TaskCountsJson() {}

  /** The counts a task ends with (all that {@code summary.json} keeps of a task). */
  public static void putCounts(Map<String, Object> m, TaskCounts c) {
    m.put("total", c.total());
    m.put("completed", c.completed());
    m.put("skipped", c.skipped());
    m.put("failed", c.failed());
    m.put("orphaned", c.orphaned());
    m.put("retries", c.retries());
  }

  /** The counts and the blocks running now: a task as a document written during the run shows it. */
  public static void putCountsAndRunning(Map<String, Object> m, TaskCounts c) {
    putCounts(m, c);
    m.put("running", c.running());
  }
}
