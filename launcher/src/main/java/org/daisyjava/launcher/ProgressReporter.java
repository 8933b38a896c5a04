package org.daisyjava.launcher;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.daisyjava.launcher.observe.RunEnding;
import org.daisyjava.launcher.observe.RunListener;
import org.daisyjava.launcher.observe.RunModel;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSnapshot;
import org.daisyjava.scheduler.state.TaskCounts;

/**
 * Turns the launch loop's snapshots into {@link Progress} for a user's callback: only when the
 * counts differ from the last ones handed over, and always once at the end. It runs on the
 * supervising thread, as every {@link RunListener} does; a callback that throws is logged there
 * and keeps getting calls.
 */
final class ProgressReporter implements RunListener {
  private final Consumer<Progress> callback;
  private long startNanos = System.nanoTime();
  /** What the callback was last handed, null before the first call. */
  private Map<String, Progress.TaskProgress> last;

  ProgressReporter(Consumer<Progress> callback) {
    this.callback = callback;
  }

  @Override
  public void started(RunModel run) {
    startNanos = System.nanoTime();
  }

  @Override
  public void snapshot(ServerSnapshot s) {
    Map<String, Progress.TaskProgress> now = tasks(s);
    if (!now.equals(last)) {
      hand(now, false);
    }
  }

  @Override
  public void ended(ServerSnapshot lastSnapshot, RunEnding ending) {
    hand(tasks(lastSnapshot), true);
  }

  private void hand(Map<String, Progress.TaskProgress> tasks, boolean ended) {
    last = tasks;
    callback.accept(new Progress(Duration.ofNanos(System.nanoTime() - startNanos), tasks, ended));
  }

  /** The snapshot's counts as the API has them, in the pipeline's order. */
  private static Map<String, Progress.TaskProgress> tasks(ServerSnapshot s) {
    Map<String, Progress.TaskProgress> out = new LinkedHashMap<>();
    for (TaskSnapshot t : s.tasks()) {
      out.put(t.name(), new Progress.TaskProgress(Daisy.result(t.counts()), t.counts().running()));
    }
    return out;
  }
}
