package org.daisyjava.launcher.observe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.daisyjava.core.Roi;
import org.daisyjava.launcher.observe.RunEvent.WorkerRef;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.scheduler.server.ServerObserver;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSnapshot;
import org.daisyjava.scheduler.state.Failure;
import org.daisyjava.scheduler.state.TaskCounts;

/**
 * Everything a run's observers know beyond the scheduler's counts: per task the block map,
 * block durations and their trend, progress over time; per worker its blocks and busy time.
 *
 * <p>Written by two threads — the scheduler's loop (through {@link #observer()}, once or twice
 * per block) and the launcher's supervising thread ({@link #tick}) — and read by any (the live
 * page's HTTP threads). One lock guards all of it: the loop's calls are a few array updates
 * under an uncontended lock (tens of nanoseconds), and readers copy what they need under it and
 * format outside it, so the loop never waits for a page being rendered. Memory is bounded: the
 * block map, histogram and time series have fixed sizes, at most {@link #MAX_WORKERS} workers
 * are kept one by one and at most {@link #MAX_QUEUED} events wait for the next tick.
 */
public final class RunModel {
  static final int MAX_WORKERS = 10_000;
  static final int MAX_QUEUED = 10_000;
  private static final long RATE_WINDOW_NANOS = 10_000_000_000L;

  /** What a run is: its name, run directory (may be null), backend and graph. */
  public record RunInfo(String name, String runDir, String backend, DependencyGraph graph) {}

  /** One task now: counts, speed, durations (milliseconds) and their trend, concurrency. */
  public record TaskView(String name, TaskCounts counts, double blocksPerSecond, double etaSeconds,
      long blocksRun, double p50Millis, double p90Millis, double p99Millis, double maxMillis,
      double meanMillis, double trendMillisPerMinute, double meanConcurrency, long maxConcurrency,
      int workers, long workersLost) {}

  /** One worker now; times in seconds, -1 where unknown. */
  public record WorkerView(WorkerRef ref, boolean connected, boolean lost, String reason, long blocksDone,
      long blocksFailed, long currentBlock, double busyFraction, double joinedSeconds, double leftSeconds,
      double idleSeconds, double heardSeconds, double cpuSeconds, long peakRssBytes) {}

  /** A task's block map: grid and cell shapes and one state character per cell (see BlockMap). */
  public record MapView(String task, long[] gridShape, int[] cellShape, String states) {}

  private final RunInfo info;
  private final long startNanos;
  private final long startMillis;
  private final int taskCount;
  private final BlockMap[] maps;
  private final DurationHistogram[] durations;
  private final DurationTrend[] trends;
  private final TimeSeries series;
  private final Map<Long, WorkerRecord> workers = new LinkedHashMap<>();
  private long workersNotKept;
  private final ArrayDeque<RunEvent> queued = new ArrayDeque<>();
  private long droppedEvents;
  private final ArrayDeque<long[]> recent = new ArrayDeque<>(); // {nanos, completed per task...}
  /**
   * Per task, workers holding a block: the blocks actually running, since a worker runs its
   * blocks one after the other (the counts' {@code running} also holds prefetched blocks).
   */
  private final long[] busyWorkers;
  /** The most blocks that ran at once, per task (exact: kept here, not sampled). */
  private final long[] maxBusy;
  private final boolean[] taskStarted;
  private final boolean[] taskFinished;
  private final long[] lastProgressNanos;
  private ServerSnapshot latest;
  /**
   * The time of the latest tick: what the per-block calls use as now. A clock read costs 30 to
   * 150 ns on virtual machines, as much as all the rest of a block's bookkeeping; a block's
   * duration comes exact from the server, and its end time (for the trend) and a worker's last
   * activity need no more than the tick's 50 ms.
   */
  private long clock;
  private final ProcessProbe probe = new ProcessProbe();

  public RunModel(RunInfo info, long startNanos) {
    this.info = info;
    this.startNanos = startNanos;
    this.startMillis = System.currentTimeMillis();
    this.clock = startNanos;
    this.taskCount = info.graph().taskCount();
    maps = new BlockMap[taskCount];
    durations = new DurationHistogram[taskCount];
    trends = new DurationTrend[taskCount];
    for (int t = 0; t < taskCount; t++) {
      maps[t] = new BlockMap(info.graph().grid(t).gridShape().toArray());
      durations[t] = new DurationHistogram();
      trends[t] = new DurationTrend();
    }
    series = new TimeSeries(taskCount);
    busyWorkers = new long[taskCount];
    maxBusy = new long[taskCount];
    taskStarted = new boolean[taskCount];
    taskFinished = new boolean[taskCount];
    lastProgressNanos = new long[taskCount];
  }

  public RunInfo info() {
    return info;
  }

  public long startMillis() {
    return startMillis;
  }

  /** Seconds since the run started. */
  public synchronized double elapsedSeconds() {
    long at = latest == null ? System.nanoTime() : Math.max(latest.takenAtNanos(), System.nanoTime());
    return (at - startNanos) / 1e9;
  }

  /** Marks blocks an earlier run finished (resume) as done on the map. */
  public synchronized void resumed(int task, java.util.function.LongPredicate done, long limit) {
    long n = Math.min(limit, info.graph().grid(task).blockCount());
    for (long id = 0; id < n; id++) {
      if (done.test(id)) {
        maps[task].done(id);
      }
    }
  }

  // ------------------------------------------------------------------ the loop's side

  /** The observer to hand to the scheduler (called on its loop thread). */
  public ServerObserver observer() {
    return new ServerObserver() {
      @Override
      public void workerJoined(long worker, int task, String name, String host, long pid, String job, String log) {
        joined(worker, task, name, host, pid, job, log);
      }

      @Override
      public void workerLeft(long worker, int task, String reason, boolean lost) {
        left(worker, reason, lost);
      }

      @Override
      public void workerHeard(long worker) {
        heard(worker);
      }

      @Override
      public void workerUsage(long worker, long cpuMillis, long peakRssKb) {
        reportedUsage(worker, cpuMillis, peakRssKb);
      }

      @Override
      public void blockStarted(int task, long block, long worker, int attempt) {
        started(task, block, worker);
      }

      @Override
      public void blockEnded(int task, long block, long worker, int attempt, long runNanos, Ending ending,
          String error) {
        ended(task, block, worker, attempt, runNanos, ending, error);
      }

      @Override
      public void blockDone(int task, long block, boolean skipped) {
        done(task, block);
      }
    };
  }

  private synchronized void joined(long id, int task, String name, String host, long pid, String job,
      String log) {
    WorkerRef ref = new WorkerRef(id, info.graph().taskName(task), host, name, job, log);
    if (workers.size() < MAX_WORKERS) {
      workers.put(id, new WorkerRecord(ref, pid, System.nanoTime()));
    } else {
      workersNotKept++;
    }
    queue(new RunEvent.WorkerJoined(System.currentTimeMillis(), ref));
  }

  private synchronized void left(long id, String reason, boolean lost) {
    WorkerRecord w = workers.get(id);
    if (w == null) {
      return;
    }
    w.leftNanos = System.nanoTime();
    w.lost = lost;
    w.reason = reason;
    queue(new RunEvent.WorkerLeft(System.currentTimeMillis(), w.ref, lost, reason, w.blocksDone));
  }

  private synchronized void heard(long worker) {
    WorkerRecord w = workers.get(worker);
    if (w != null) {
      w.lastHeardNanos = System.nanoTime(); // once a second per worker: a clock read is cheap here
    }
  }

  private synchronized void started(int task, long block, long worker) {
    int cell = maps[task].started(block);
    WorkerRecord w = workers.get(worker);
    if (w != null) {
      if (w.held() == 0) {
        busyWorkers[task]++;
        maxBusy[task] = Math.max(maxBusy[task], busyWorkers[task]);
        w.runningSince = clock;
      }
      w.hold(block, cell);
      w.lastActivityNanos = clock;
    }
  }

  private synchronized void ended(int task, long block, long worker, int attempt, long runNanos,
      ServerObserver.Ending ending, String error) {
    long now = clock;
    WorkerRecord w = workers.get(worker);
    int cell = w == null ? -1 : w.drop(block);
    maps[task].ended(cell >= 0 ? cell : maps[task].cellOf(block), ending == ServerObserver.Ending.FAILED);
    if (w != null) {
      if (cell >= 0 && w.held() == 0) {
        busyWorkers[task]--;
      }
      w.lastActivityNanos = now;
      w.busyNanos += runNanos;
      w.runningSince = now; // the next held block, if any, runs from now
    }
    switch (ending) {
      case SUCCEEDED -> {
        durations[task].add(runNanos);
        trends[task].add((now - startNanos) / 1e9, runNanos / 1e6);
        if (w != null) {
          w.blocksDone++;
        }
      }
      case RETRY, FAILED -> {
        if (w != null) {
          w.blocksFailed++;
        }
        if (queued.size() < MAX_QUEUED) {
          Roi roi = info.graph().block(task, block).writeRoi();
          queue(new RunEvent.BlockFailed(System.currentTimeMillis(), info.graph().taskName(task), block, roi,
              attempt, ending == ServerObserver.Ending.RETRY, error, w == null ? null : w.ref));
        } else {
          droppedEvents++;
        }
      }
      case STOPPED -> { }
    }
  }

  private synchronized void done(int task, long block) {
    maps[task].done(block);
  }

  private void queue(RunEvent e) {
    if (queued.size() < MAX_QUEUED) {
      queued.add(e);
    } else {
      droppedEvents++;
    }
  }

  // ------------------------------------------------------------------ the supervising thread's side

  /**
   * Takes in a snapshot and returns what happened since the last one: the observer's events,
   * then task started/progress/finished derived from the counts. Progress of a task is reported
   * at most every max(1 s, run time / 1000), so a run of a week writes about 8,000 progress
   * events per task, not 600,000.
   */
  public List<RunEvent> tick(ServerSnapshot s) {
    probe.sampleIfDue(this);
    synchronized (this) {
      latest = s;
      long now = s.takenAtNanos();
      clock = Math.max(clock, System.nanoTime());
      double t = (now - startNanos) / 1e9;
      long[] done = new long[taskCount];
      long[] busy = new long[taskCount];
      for (int i = 0; i < taskCount && i < s.tasks().size(); i++) {
        TaskCounts c = s.tasks().get(i).counts();
        done[i] = c.completed() - c.skipped();
        busy[i] = busyWorkers[i];
      }
      series.sample(Math.max(0, t), done, busy);
      long[] r = new long[taskCount + 1];
      r[0] = now;
      System.arraycopy(done, 0, r, 1, taskCount);
      recent.addLast(r);
      while (recent.size() > 2 && now - recent.peekFirst()[0] > RATE_WINDOW_NANOS) {
        recent.pollFirst();
      }
      List<RunEvent> out = new ArrayList<>(queued);
      queued.clear();
      if (droppedEvents > 0) {
        out.add(new RunEvent.EventsDropped(System.currentTimeMillis(), droppedEvents));
        droppedEvents = 0;
      }
      long millis = System.currentTimeMillis();
      long progressEvery = Math.max(1_000_000_000L, (now - startNanos) / 1000);
      for (int i = 0; i < taskCount && i < s.tasks().size(); i++) {
        TaskSnapshot ts = s.tasks().get(i);
        TaskCounts c = ts.counts();
        if (!taskStarted[i] && (c.running() > 0 || c.completed() > 0 || c.failed() > 0 || c.finished())) {
          taskStarted[i] = true;
          lastProgressNanos[i] = now;
          out.add(new RunEvent.TaskStarted(millis, ts.name()));
        }
        if (taskStarted[i] && !taskFinished[i] && c.finished()) {
          taskFinished[i] = true;
          out.add(new RunEvent.TaskFinished(millis, ts.name(), c));
        } else if (taskStarted[i] && !taskFinished[i] && now - lastProgressNanos[i] >= progressEvery) {
          lastProgressNanos[i] = now;
          out.add(new RunEvent.TaskProgress(millis, ts.name(), c, rate(i)));
        }
      }
      return out;
    }
  }

  /** The last points of the time series, at the end of the run. */
  public synchronized void close(ServerSnapshot s) {
    latest = s;
    long[] done = new long[taskCount];
    long[] busy = new long[taskCount];
    for (int i = 0; i < taskCount && i < s.tasks().size(); i++) {
      done[i] = s.tasks().get(i).counts().completed() - s.tasks().get(i).counts().skipped();
    }
    series.close(Math.max(0, (s.takenAtNanos() - startNanos) / 1e9), done, busy);
  }

  /** Blocks per second over the last ten seconds. */
  private double rate(int task) {
    if (recent.size() < 2) {
      return 0;
    }
    long[] a = recent.peekFirst();
    long[] b = recent.peekLast();
    double seconds = (b[0] - a[0]) / 1e9;
    return seconds <= 0 ? 0 : (b[1 + task] - a[1 + task]) / seconds;
  }

  // ------------------------------------------------------------------ readers (any thread)

  public synchronized ServerSnapshot latest() {
    return latest;
  }

  public synchronized List<TaskView> tasks() {
    List<TaskView> out = new ArrayList<>();
    for (int i = 0; i < taskCount; i++) {
      TaskSnapshot ts = latest == null ? null : latest.tasks().get(i);
      TaskCounts c = ts == null ? new TaskCounts(info.graph().grid(i).blockCount(), 0, 0, 0, 0, 0, 0, 0, false)
          : ts.counts();
      double rate = rate(i);
      double eta = c.finished() ? 0 : rate > 0 ? c.remaining() / rate : -1;
      DurationHistogram h = durations[i];
      out.add(new TaskView(info.graph().taskName(i), c, rate, eta, h.count(), h.quantile(0.5) / 1e6,
          h.quantile(0.9) / 1e6, h.quantile(0.99) / 1e6, h.maxNanos() / 1e6,
          h.count() == 0 ? 0 : h.sumNanos() / 1e6 / h.count(), trends[i].millisPerMinute(),
          series.meanRunning(i), maxBusy[i], ts == null ? 0 : ts.workers(),
          ts == null ? 0 : ts.workersLost()));
    }
    return out;
  }

  public synchronized List<WorkerView> workers() {
    long now = System.nanoTime();
    List<WorkerView> out = new ArrayList<>(workers.size());
    for (WorkerRecord w : workers.values()) {
      long end = w.connected() ? now : w.leftNanos;
      double life = (end - w.joinedNanos) / 1e9;
      // a block running now counts as busy time so far (a long block is not an idle worker)
      long busy = w.busyNanos + (w.held() > 0 && w.connected() ? Math.max(0, now - w.runningSince) : 0);
      out.add(new WorkerView(w.ref, w.connected(), w.lost, w.reason, w.blocksDone, w.blocksFailed,
          w.current(), life <= 0 ? 0 : Math.min(1, busy / 1e9 / life), (w.joinedNanos - startNanos) / 1e9,
          w.connected() ? -1 : (w.leftNanos - startNanos) / 1e9, (now - w.lastActivityNanos) / 1e9,
          (now - Math.max(w.lastHeardNanos, w.lastActivityNanos)) / 1e9,
          w.cpuSeconds, w.peakRssBytes));
    }
    return out;
  }

  /** Workers beyond {@link #MAX_WORKERS}, counted but not kept one by one. */
  public synchronized long workersNotKept() {
    return workersNotKept;
  }

  public MapView map(int task) {
    BlockMap m = maps[task];
    boolean finished;
    String states;
    synchronized (this) {
      finished = latest != null && latest.tasks().get(task).counts().finished();
      states = m.picture(finished);
    }
    return new MapView(info.graph().taskName(task), m.gridShape(), m.cellShape(), states);
  }

  /** {seconds[], completed[], running[]} of a task over the run. */
  public synchronized double[][] series(int task) {
    return series.points(task);
  }

  /** The durations histogram of a task: {min ns, max ns, counts of {@code bins} log bins…}. */
  public synchronized long[] histogram(int task, int bins) {
    return durations[task].coarse(bins);
  }

  public synchronized List<Failure> failures() {
    return latest == null ? List.of() : latest.failures();
  }

  // ------------------------------------------------------------------ /proc samples

  /** Pids of connected workers on this machine (not this JVM), for {@link ProcessProbe}. */
  synchronized long[][] localWorkerPids(String localHost) {
    List<long[]> out = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    for (WorkerRecord w : workers.values()) {
      if (w.connected() && w.pid > 0 && w.pid != self && localHost.equals(w.ref.host())) {
        out.add(new long[] {w.ref.id(), w.pid});
      }
    }
    return out.toArray(new long[0][]);
  }

  /**
   * What a worker process has used, as this machine's /proc or the worker itself says: CPU time
   * and peak memory only grow, so the largest figure of either source stands.
   */
  synchronized void processUsage(long worker, long cpuMillis, long peakRssKb) {
    WorkerRecord w = workers.get(worker);
    if (w != null) {
      w.cpuSeconds = Math.max(w.cpuSeconds, cpuMillis / 1000.0);
      w.peakRssBytes = Math.max(w.peakRssBytes, peakRssKb * 1024);
    }
  }

  /**
   * What a worker says its process has used. A worker that runs as a thread of this JVM (the
   * Java API's) would report the launcher's own usage: that is dropped, as the probe skips this
   * JVM, and such a worker's figures stay unknown.
   */
  synchronized void reportedUsage(long worker, long cpuMillis, long peakRssKb) {
    WorkerRecord w = workers.get(worker);
    if (w != null && !probe.isThisJvm(w.ref.host(), w.pid)) {
      processUsage(worker, cpuMillis, peakRssKb);
    }
  }
}
