package org.daisyjava.launcher.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.daisyjava.scheduler.server.ServerObserver;
import org.daisyjava.scheduler.server.ServerSnapshot;

/**
 * The run's lifecycle as listeners see it: hands the scheduler its observer, and on the
 * supervising thread turns every snapshot into events and calls (see {@link RunListener}). A
 * listener that throws is logged; the run and the other listeners go on.
 */
public final class RunEvents implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RunEvents.class.getName());
  private final RunModel model;
  private final List<RunListener> listeners;
  private final long startNanos;
  private boolean ended;
  /**
   * Until {@link #started}: events reported before the run's first line (a backend may submit
   * jobs before run_started is written, see RunSession.start), emitted right after it, so that
   * every listener still sees run_started first.
   */
  private List<RunEvent> held = new ArrayList<>();

  public RunEvents(RunModel model, List<RunListener> listeners, long startNanos) {
    this.model = model;
    this.listeners = List.copyOf(listeners);
    this.startNanos = startNanos;
  }

  public RunModel model() {
    return model;
  }

  /** For {@code SchedulerServer.observe}, before the server starts. */
  public ServerObserver observer() {
    return model.observer();
  }

  /** The run starts (the scheduler is listening). */
  public void started() {
    RunModel.RunInfo i = model.info();
    for (RunListener l : listeners) {
      call(l, () -> l.started(model));
    }
    List<RunEvent> before = held;
    held = null;
    emit(new RunEvent.RunStarted(System.currentTimeMillis(), i.name(), i.runDir(), i.backend(),
        IntStream.range(0, i.graph().taskCount()).mapToObj(i.graph()::taskName).toList(), i.graph().totalBlocks()));
    before.forEach(this::emit);
  }

  /** A tick of the launch loop. */
  public void tick(ServerSnapshot s) {
    for (RunEvent e : model.tick(s)) {
      emit(e);
    }
    for (RunListener l : listeners) {
      call(l, () -> l.snapshot(s));
    }
  }

  /** The run is over; later calls do nothing. */
  public void ended(ServerSnapshot last, RunEnding ending) {
    if (ended) {
      return;
    }
    ended = true;
    if (held != null) {
      // it ends without having started (the scheduler could not listen): what there is, in order
      List<RunEvent> before = held;
      held = null;
      before.forEach(this::emit);
    }
    tick(last);
    model.close(last);
    emit(new RunEvent.RunEnded(System.currentTimeMillis(), ending.state().json(),
        (System.nanoTime() - startNanos) / 1e9));
    for (RunListener l : listeners) {
      call(l, () -> l.ended(last, ending));
    }
  }

  /** A batch system took an array of jobs (see {@code JobEvents}). */
  public void jobsSubmitted(String task, String job, int workers) {
    emit(new RunEvent.JobsSubmitted(System.currentTimeMillis(), task, job, workers));
  }

  /** Cancels were sent for these jobs; {@code task} null for every job of the run. */
  public void jobsCancelled(String task, List<String> jobs) {
    emit(new RunEvent.JobsCancelled(System.currentTimeMillis(), task, List.copyOf(jobs)));
  }

  private void emit(RunEvent e) {
    if (held != null) {
      held.add(e);
      return;
    }
    for (RunListener l : listeners) {
      call(l, () -> l.event(e));
    }
  }

  private static void call(RunListener l, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "run listener " + l.getClass().getSimpleName() + " failed", e);
    }
  }

  /** Closes the listeners that hold resources (files, the page's server). */
  @Override
  public void close() {
    for (RunListener l : listeners) {
      if (l instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.log(Level.WARNING, "closing " + l.getClass().getSimpleName() + " failed", e);
        }
      }
    }
  }
}
