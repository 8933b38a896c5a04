package org.daisyjava.launcher.observe;

import org.daisyjava.scheduler.server.ServerSnapshot;

/**
 * A listener whose work is all at the run's end, from the run model it was handed when the run
 * started: the statistics and the report. Should {@code ended} come without {@code started}
 * (a caller outside the order {@link RunListener} promises), there is no model and nothing to
 * measure or draw: nothing is written, rather than a table or report of nothing.
 */
public abstract class RunEndListener implements RunListener {
  private RunModel model;

  @Override
  public final void started(RunModel run) {
    model = run;
  }

  @Override
  public final void ended(ServerSnapshot last, RunEnding ending) {
    if (model != null) {
      ended(model, ending);
    }
  }

  /** The run is over (see {@link RunListener#ended}); {@code model} holds all it did. */
  protected abstract void ended(RunModel model, RunEnding ending);
}
