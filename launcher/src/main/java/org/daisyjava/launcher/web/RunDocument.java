package org.daisyjava.launcher.web;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.daisyjava.launcher.observe.DocumentJson;
import org.daisyjava.launcher.observe.JsonDecimals;
import org.daisyjava.launcher.observe.RunModel;
import org.daisyjava.launcher.observe.RunModel.MapView;
import org.daisyjava.launcher.observe.RunModel.TaskView;
import org.daisyjava.launcher.observe.RunModel.WorkerView;
import org.daisyjava.launcher.observe.RunStatistics;
import org.daisyjava.launcher.observe.TaskCountsJson;
import org.daisyjava.launcher.observe.WorkerJson;
import org.daisyjava.scheduler.state.Failure;
import org.daisyjava.scheduler.state.TaskCounts;

/**
 * The JSON document that the page's script draws: the live page fetches it from
 * {@code /api/run}, the report carries it inline. One document for both, so the report shows
 * exactly what the page showed at the end. Block maps are the downsampled grids of
 * {@link RunModel#map} (at most 65,536 cells per task); the script cuts 2-D slices out of them.
 */
final class RunDocument {
  /** Log tails shown with failures (the first few only), cut to this many bytes. */
  static final int LOG_TAIL_BYTES = 4096;
  private static final int FAILURES_WITH_TAIL = 10;
  private static final int HISTOGRAM_BINS = 30;

  private RunDocument() {}

  static String json(RunModel model, String state, Path runDir) {
    Map<String, Object> root = new LinkedHashMap<>();
    RunModel.RunInfo info = model.info();
    root.put("name", info.name());
    root.put("run_dir", info.runDir());
    root.put("backend", info.backend());
    root.put("state", state);
    root.put("started", Instant.ofEpochMilli(model.startMillis()).toString());
    root.put("elapsed_seconds", JsonDecimals.tenths(model.elapsedSeconds()));
    root.put("written", Instant.now().toString());
    List<Map<String, Object>> tasks = new ArrayList<>();
    List<TaskView> views = model.tasks();
    for (int i = 0; i < views.size(); i++) {
      TaskView t = views.get(i);
      TaskCounts c = t.counts();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", t.name());
      TaskCountsJson.putCountsAndRunning(m, c);
      m.put("finished", c.finished());
      m.put("workers", t.workers());
      m.put("workers_lost", t.workersLost());
      m.put("blocks_per_second", JsonDecimals.tenths(t.blocksPerSecond()));
      m.put("eta_seconds", t.etaSeconds() < 0 ? null : Math.round(t.etaSeconds()));
      double[][] s = model.series(i);
      m.put("series", members("t", s[0], "done", s[1], "running", s[2]));
      long[] h = model.histogram(i, HISTOGRAM_BINS);
      long[] bins = new long[HISTOGRAM_BINS];
      System.arraycopy(h, 2, bins, 0, HISTOGRAM_BINS);
      m.put("histogram", members("min_ms", h[0] / 1e6, "max_ms", h[1] / 1e6, "bins", bins));
      MapView map = model.map(i);
      m.put("map", members("grid", map.gridShape(), "cells", map.cellShape(), "states", map.states()));
      tasks.add(m);
    }
    root.put("tasks", tasks);
    root.put("statistics", RunStatistics.json(model));
    List<Map<String, Object>> workers = new ArrayList<>();
    for (WorkerView w : model.workers()) {
      Map<String, Object> m = new LinkedHashMap<>();
      WorkerJson.putIdentity(m, w.ref());
      m.put("current_block", w.currentBlock() < 0 ? null : w.currentBlock());
      WorkerJson.putWork(m, w);
      m.put("idle_seconds", JsonDecimals.tenths(w.idleSeconds()));
      m.put("heard_seconds", JsonDecimals.tenths(w.heardSeconds()));
      m.put("joined_seconds", JsonDecimals.tenths(w.joinedSeconds()));
      m.put("left_seconds", w.leftSeconds() < 0 ? null : JsonDecimals.tenths(w.leftSeconds()));
      m.put("connected", w.connected());
      m.put("lost", w.lost());
      m.put("reason", w.reason());
      WorkerJson.putUsage(m, w);
      workers.add(m);
    }
    root.put("workers", workers);
    List<Map<String, Object>> failures = new ArrayList<>();
    for (Failure f : model.failures()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("task", f.task());
      m.put("block_id", f.blockId() < 0 ? null : f.blockId());
      m.put("attempts", f.attempts());
      m.put("error", f.error());
      m.put("worker", f.source());
      if (failures.size() < FAILURES_WITH_TAIL) {
        m.put("log_tail", logTail(f.source(), runDir));
      }
      failures.add(m);
    }
    root.put("failures", failures);
    return DocumentJson.write(root);
  }

  /**
   * The end of the worker log that a failure names ({@code …, log PATH}), if it lies in the run
   * directory; null otherwise. Only files inside the run directory are read: the path comes from
   * a worker's hello, and the page must not become a way to read the head node's files.
   */
  static String logTail(String source, Path runDir) {
    if (source == null || runDir == null) {
      return null;
    }
    int at = source.lastIndexOf(", log ");
    if (at < 0) {
      return null;
    }
    return tail(Path.of(source.substring(at + 6).trim()), runDir, LOG_TAIL_BYTES);
  }

  /** The last {@code bytes} of {@code file} if it is a regular file under {@code runDir}. */
  static String tail(Path file, Path runDir, int bytes) {
    try {
      Path real = file.toRealPath();
      if (!real.startsWith(runDir.toRealPath()) || !Files.isRegularFile(real)) {
        return null;
      }
      try (RandomAccessFile f = new RandomAccessFile(real.toFile(), "r")) {
        long from = Math.max(0, f.length() - bytes);
        byte[] b = new byte[(int) (f.length() - from)];
        f.seek(from);
        f.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Members in the order given ({@code Map.of} would order them anew in every JVM, and report.html with them). */
  private static Map<String, Object> members(Object... namesAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return m;
  }
}
