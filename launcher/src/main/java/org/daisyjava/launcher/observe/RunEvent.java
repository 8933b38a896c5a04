package org.daisyjava.launcher.observe;

import java.util.List;
import org.daisyjava.core.Roi;
import org.daisyjava.scheduler.state.TaskCounts;

/**
 * What happens in a run, as the listeners and {@code events.jsonl} see it (the JSON form is
 * {@link EventLog}'s). Every event carries its wall-clock time in milliseconds.
 */
public sealed interface RunEvent {
  long atMillis();

  record RunStarted(long atMillis, String name, String runDir, String backend, List<String> tasks,
      long totalBlocks) implements RunEvent {}

  record RunEnded(long atMillis, String state, double seconds) implements RunEvent {}

  /** The first block of a task was handed out (or found done). */
  record TaskStarted(long atMillis, String task) implements RunEvent {}

  /** A task's counts, at most once a second and thinned on long runs (see {@link EventLog}). */
  record TaskProgress(long atMillis, String task, TaskCounts counts, double blocksPerSecond)
      implements RunEvent {}

  record TaskFinished(long atMillis, String task, TaskCounts counts) implements RunEvent {}

  /** An attempt of a block failed; {@code retry} if it is queued again. */
  record BlockFailed(long atMillis, String task, long blockId, Roi writeRoi, int attempt, boolean retry,
      String error, WorkerRef worker) implements RunEvent {}

  record WorkerJoined(long atMillis, WorkerRef worker) implements RunEvent {}

  /** A worker left in order, or was lost ({@code lost}: stopped responding, said hello again). */
  record WorkerLeft(long atMillis, WorkerRef worker, boolean lost, String reason, long blocksDone)
      implements RunEvent {}

  /** Events the observer could not queue (a flood of failures); they are counted, not kept. */
  record EventsDropped(long atMillis, long count) implements RunEvent {}

  /** A batch system took an array of {@code workers} jobs for {@code task} as {@code job}. */
  record JobsSubmitted(long atMillis, String task, String job, int workers) implements RunEvent {}

  /** Cancels were sent for these jobs; {@code task} null: every job of the run, at its end. */
  record JobsCancelled(long atMillis, String task, List<String> jobs) implements RunEvent {}

  /** Which worker: session id, task, host, job (may be null) and log file (may be null). */
  record WorkerRef(long id, String task, String host, String name, String job, String log) {}
}
