package org.daisyjava.launcher.observe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.daisyjava.launcher.observe.RunModel.TaskView;
import org.daisyjava.launcher.observe.RunModel.WorkerView;
import org.daisyjava.launcher.progress.ColumnWidth;

/**
 * The run's statistics at its end: a short table after the execution summary, and a
 * {@code statistics} member added to {@code summary.json} (written just before):
 *
 * <pre>
 * "statistics": {"tasks": {NAME: {"blocks_run", "duration_ms": {"p50","p90","p99","max","mean"},
 *                                 "trend_ms_per_min", "concurrency": {"mean","max"}, "retries"}},
 *                "workers": [{"id","task","host","job","log","blocks","failed","busy_fraction",
 *                             "seconds","lost","reason","cpu_seconds","peak_rss_bytes"}]}
 * </pre>
 *
 * A block's duration is measured by the scheduler: from when it started running on its worker
 * (handed out, or the release of the block before it on the same worker) to its release, so it
 * includes one message's latency; when a worker's releases queue up at the scheduler (a loaded
 * head node) one of them gets the time of both. Concurrency is the blocks running at once
 * (workers holding a block; prefetched blocks do not count), mean over the run and max. The trend is the least-squares slope of durations over the run
 * (positive: blocks got slower). CPU time and peak RSS are read from /proc for worker processes on
 * this machine (see {@link ProcessProbe}) and reported by workers anywhere (in their heartbeats
 * and goodbye); null for a worker that reported nothing (an older worker, one lost before its
 * first report, or a worker thread of this JVM).
 */
public final class RunStatistics extends RunEndListener {
  private static final Logger LOG = Logger.getLogger(RunStatistics.class.getName());
  private static final int SHOWN_WORKERS = 12;
  private final PrintStream out;
  private final Path summaryFile;

  /** @param summaryFile the summary.json to add to, or null */
  public RunStatistics(PrintStream out, Path summaryFile) {
    this.out = out;
    this.summaryFile = summaryFile;
  }

  @Override
  protected void ended(RunModel model, RunEnding ending) {
    print(out, model);
    if (summaryFile == null || !Files.exists(summaryFile)) {
      return;
    }
    ObjectNode root;
    try {
      root = (ObjectNode) DocumentJson.read(Files.readString(summaryFile));
    } catch (IOException | ClassCastException e) {
      LOG.warning("cannot add statistics to " + summaryFile + ": " + e.getMessage());
      return;
    }
    root.set("statistics", DocumentJson.tree(json(model)));
    DocumentFile.replace(summaryFile, DocumentJson.write(root) + "\n", LOG);
  }

  /** The {@code statistics} document (also the report's and the page's). */
  public static Map<String, Object> json(RunModel model) {
    Map<String, Object> root = new LinkedHashMap<>();
    Map<String, Object> tasks = new LinkedHashMap<>();
    for (TaskView t : model.tasks()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("blocks_run", t.blocksRun());
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("p50", JsonDecimals.thousandths(t.p50Millis()));
      d.put("p90", JsonDecimals.thousandths(t.p90Millis()));
      d.put("p99", JsonDecimals.thousandths(t.p99Millis()));
      d.put("max", JsonDecimals.thousandths(t.maxMillis()));
      d.put("mean", JsonDecimals.thousandths(t.meanMillis()));
      m.put("duration_ms", d);
      m.put("trend_ms_per_min", JsonDecimals.thousandths(t.trendMillisPerMinute()));
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("mean", JsonDecimals.thousandths(t.meanConcurrency()));
      c.put("max", t.maxConcurrency());
      m.put("concurrency", c);
      m.put("retries", t.counts().retries());
      tasks.put(t.name(), m);
    }
    root.put("tasks", tasks);
    List<Map<String, Object>> workers = new ArrayList<>();
    for (WorkerView w : model.workers()) {
      Map<String, Object> m = new LinkedHashMap<>();
      WorkerJson.putIdentity(m, w.ref());
      WorkerJson.putWork(m, w);
      double until = w.connected() ? model.elapsedSeconds() : w.leftSeconds();
      m.put("seconds", JsonDecimals.thousandths(until - w.joinedSeconds()));
      m.put("lost", w.lost());
      m.put("reason", w.reason());
      WorkerJson.putUsage(m, w);
      workers.add(m);
    }
    root.put("workers", workers);
    if (model.workersNotKept() > 0) {
      root.put("workers_not_listed", model.workersNotKept());
    }
    return root;
  }

  static void print(PrintStream out, RunModel model) {
    List<TaskView> tasks = model.tasks();
    int width = ColumnWidth.of("task", tasks.stream().map(TaskView::name).toList());
    out.println("statistics (block durations as the scheduler saw them)");
    String row = "  %-" + width + "s %10s %9s %9s %9s %9s %13s %11s%n";
    out.printf(row, "task", "blocks run", "p50", "p90", "p99", "max", "trend", "concurrency");
    for (TaskView t : tasks) {
      out.printf(row, t.name(), t.blocksRun(), ms(t.p50Millis()), ms(t.p90Millis()), ms(t.p99Millis()),
          ms(t.maxMillis()), String.format("%+.1fms/min", t.trendMillisPerMinute()),
          String.format("%.1f/%d", t.meanConcurrency(), t.maxConcurrency()));
    }
    List<WorkerView> workers = model.workers();
    if (workers.isEmpty()) {
      return;
    }
    int hw = ColumnWidth.of("host", workers.stream().map(w -> String.valueOf(w.ref().host())).toList());
    String wrow = "  %6s %-" + width + "s %-" + Math.min(hw, 30) + "s %-10s %8s %5s %9s %9s  %s%n";
    out.printf(wrow, "worker", "task", "host", "job", "blocks", "busy", "cpu", "peak rss", "end");
    int shown = 0;
    for (WorkerView w : workers) {
      if (shown++ == SHOWN_WORKERS) {
        out.println("  … (" + (workers.size() - SHOWN_WORKERS) + " more in summary.json)");
        break;
      }
      out.printf(wrow, w.ref().id(), w.ref().task(), w.ref().host(), w.ref().job() == null ? "-" : w.ref().job(),
          w.blocksDone(), String.format("%.0f%%", 100 * w.busyFraction()),
          w.cpuSeconds() < 0 ? "-" : String.format("%.1fs", w.cpuSeconds()),
          w.peakRssBytes() < 0 ? "-" : (w.peakRssBytes() >> 20) + " MiB",
          w.connected() ? "connected" : (w.lost() ? "lost: " : "") + w.reason());
    }
  }

  private static String ms(double millis) {
    if (millis >= 10_000) {
      return String.format("%.0fs", millis / 1000);
    }
    return millis >= 100 ? String.format("%.0fms", millis) : String.format("%.1fms", millis);
  }
}
