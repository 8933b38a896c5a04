package org.daisyjava.launcher.observe;

import org.daisyjava.scheduler.server.ServerSnapshot;

/**
 * Follows a run: progress output, the event stream, statistics, the report and the live page
 * are listeners. All calls come from the launcher's supervising thread, in this order:
 * {@link #started} once, then {@link #snapshot} on every tick of the launch loop (every ~50 ms)
 * with the events since the last tick before it, and {@link #ended} once (also after an
 * interrupt). A listener must not block the loop for long; a listener that throws is logged
 * and keeps getting calls.
 */
public interface RunListener {
  /** The run is starting; {@code run} gives the live statistics, block maps and workers. */
  default void started(RunModel run) {}

  /** The latest view of the scheduler. */
  default void snapshot(ServerSnapshot s) {}

  /** Something happened (see {@link RunEvent}). */
  default void event(RunEvent e) {}

  /** The run is over: finished, failed or interrupted (as in summary.json), see {@link RunEnding}. */
  default void ended(ServerSnapshot last, RunEnding ending) {}
}
