package org.daisyjava.launcher.web;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongPredicate;
import org.daisyjava.launcher.observe.EventLog;
import org.daisyjava.launcher.observe.RunEvents;
import org.daisyjava.launcher.observe.RunListener;
import org.daisyjava.launcher.observe.RunModel;
import org.daisyjava.launcher.observe.RunStatistics;
import org.daisyjava.launcher.run.RunDirectory;

/**
 * The listeners every run has — events.jsonl, the statistics in the summary, report.html and
 * (unless {@code scheduler.web: off}) the live page — after the launch's own ({@code first}:
 * progress and the summary, which the statistics add to) and before the caller's.
 */
public final class RunOutputs {
  /** Blocks of a resumed task looked up one by one to mark the map (beyond: shown waiting). */
  private static final long RESUME_MARK_LIMIT = 100_000_000;

  private RunOutputs() {}

  public static RunEvents standard(RunModel.RunInfo info, RunDirectory dir, Optional<InetSocketAddress> web,
      PrintStream out, List<RunListener> first, List<RunListener> extra, long startNanos,
      LongPredicate[] resumed) {
    List<RunListener> listeners = new ArrayList<>(first);
    listeners.add(new EventLog(dir.root().resolve("events.jsonl")));
    listeners.add(new RunStatistics(out, dir.summaryFile()));
    listeners.add(new ReportWriter(dir.root().resolve("report.html"), dir.root()));
    web.ifPresent(a -> listeners.add(new LivePage(a, dir.root(), out)));
    listeners.addAll(extra);
    RunModel model = new RunModel(info, startNanos);
    for (int t = 0; t < resumed.length; t++) {
      if (resumed[t] != null) {
        model.resumed(t, resumed[t], RESUME_MARK_LIMIT);
      }
    }
    return new RunEvents(model, listeners, startNanos);
  }
}
