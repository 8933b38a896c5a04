package org.daisyjava.scheduler.state;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongPredicate;
import org.daisyjava.scheduler.graph.BlockSink;
import org.daisyjava.scheduler.graph.DependencyGraph;

/**
 * Which blocks may run now, over the lazy dependency graph. Single-threaded: the scheduler's
 * poll loop owns it.
 *
 * <p>A block's life: it becomes <em>ready</em> (a root reached by the cursor, or the last of its
 * upstream blocks finished), is <em>taken</em> ({@link #take}), and ends with exactly one of
 * {@link #succeeded} or {@link #failed} (which may put it back in the ready queue for a retry).
 *
 * <p>Memory is bounded by the frontier: the ready queue, a count of blocks in flight, and the
 * done blocks that still have unfinished downstream blocks — each such block carries a counter of
 * those and is forgotten when it reaches zero. A block that is never reached because something it
 * depends on failed is never stored: it is counted as orphaned when its task can make no more
 * progress (nothing ready, nothing in flight, every upstream task finished).
 */
public final class SchedulingState {
  /** Resumed blocks skipped per {@link #take} call at most, so one call never stalls the loop. */
  private static final int SKIP_BUDGET = 50_000;
  /** Failures kept for the summary. */
  private static final int MAX_FAILURES = 50;

  private final DependencyGraph graph;
  private final TaskState[] tasks;
  /** Task indices, every task after its upstream tasks. */
  private final int[] topological;
  private final List<Failure> failures = new ArrayList<>();
  private final FailureLimit[] maxFailures;
  private long failureCount;

  // reusable scratch for the hot path (single-threaded)
  private final long[] scratchCount = new long[1];
  private final boolean[] scratchFlag = new boolean[1];
  private final BlockSink readyIfUnblocked = this::readyIfUnblocked;
  private final BlockSink decrementDone = this::decrementDone;

  /**
   * With no limit on blocks failed for good: every block is tried.
   *
   * @param maxRetries per task: a block fails for good on attempt {@code maxRetries + 1}
   * @param resumed per task: blocks already done in an earlier run (null entries or array: none)
   */
  public SchedulingState(DependencyGraph graph, int[] maxRetries, LongPredicate[] resumed) {
    this(graph, maxRetries, null, resumed);
  }

  /**
   * @param maxRetries per task: a block fails for good on attempt {@code maxRetries + 1}
   * @param maxFailures per task: once more blocks than this have failed for good the task is
   *     given up ({@link #abandon}); a null array or entry: no limit
   * @param resumed per task: blocks already done in an earlier run (null entries or array: none)
   */
  public SchedulingState(DependencyGraph graph, int[] maxRetries, FailureLimit[] maxFailures,
      LongPredicate[] resumed) {
    this.graph = graph;
    int n = graph.taskCount();
    if (maxRetries.length != n) {
      throw new IllegalArgumentException("maxRetries has " + maxRetries.length + " entries for " + n + " tasks");
    }
    if (maxFailures != null && maxFailures.length != n) {
      throw new IllegalArgumentException("maxFailures has " + maxFailures.length + " entries for " + n + " tasks");
    }
    this.maxFailures = new FailureLimit[n];
    tasks = new TaskState[n];
    for (int t = 0; t < n; t++) {
      if (maxRetries[t] < 0) {
        throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries[t]);
      }
      long total = graph.grid(t).blockCount();
      FailureLimit limit = maxFailures == null ? null : maxFailures[t];
      this.maxFailures[t] = limit;
      tasks[t] = new TaskState(t, total, maxRetries[t],
          limit == null ? Long.MAX_VALUE : limit.allowed(total), graph.roots(t),
          resumed == null ? null : resumed[t]);
    }
    topological = topologicalOrder(graph);
    updateFinished();
  }

  private static int[] topologicalOrder(DependencyGraph graph) {
    int n = graph.taskCount();
    int[] order = new int[n];
    boolean[] placed = new boolean[n];
    int count = 0;
    while (count < n) {
      for (int t = 0; t < n; t++) {
        if (placed[t]) {
          continue;
        }
        boolean ok = true;
        for (int u : graph.upstreamTasks(t)) {
          ok &= placed[u];
        }
        if (ok) {
          placed[t] = true;
          order[count++] = t;
        }
      }
    }
    return order;
  }

  public DependencyGraph graph() {
    return graph;
  }

  public int taskCount() {
    return tasks.length;
  }

  /**
   * The next block of {@code task} to hand out, or -1 if none is ready now. Blocks an earlier run
   * finished are completed (counted skipped) on the way without being returned.
   */
  public long take(int task) {
    TaskState s = tasks[task];
    int skips = 0;
    while (!s.finished && skips < SKIP_BUDGET) {
      long id;
      if (!s.ready.isEmpty()) {
        id = s.ready.removeFirst();
      } else {
        id = s.roots.next();
        if (id < 0) {
          return -1;
        }
      }
      s.inFlight++;
      if (s.resumed != null && s.resumed.test(id)) {
        succeeded(task, id, true);
        skips++;
        continue;
      }
      return id;
    }
    return -1;
  }

  /**
   * Completes, as skipped, the ready blocks an earlier run finished, and what they make ready in
   * turn, without handing anything out; returns how many. Run before workers are started, so
   * that a task the earlier run finished is finished at once and gets no workers (on a cluster:
   * no jobs that would wait in the queue only to be told there is nothing to do). Root blocks
   * are walked only up to the first one that still has to run, so nothing proportional to the
   * number of blocks is stored.
   */
  public long skipResumed() {
    long skipped = 0;
    boolean progress = true;
    while (progress) {
      progress = false;
      for (int t : topological) {
        TaskState s = tasks[t];
        if (s.resumed == null || s.finished) {
          continue;
        }
        for (int i = s.ready.size(); i > 0; i--) {
          long id = s.ready.removeFirst();
          if (s.resumed.test(id)) {
            s.inFlight++;
            succeeded(t, id, true);
            skipped++;
            progress = true;
          } else {
            s.ready.addLast(id);
          }
        }
        for (long id = s.roots.next(); id >= 0; id = s.roots.next()) {
          if (!s.resumed.test(id)) {
            s.ready.addFirst(id); // the first root still to run: keep it, stop walking
            break;
          }
          s.inFlight++;
          succeeded(t, id, true);
          skipped++;
          progress = true;
        }
      }
    }
    return skipped;
  }

  /** The attempt number (1 = first try) of a block that is taken. */
  public int attempt(int task, long id) {
    return tasks[task].failedAttempts.get(id, 0) + 1;
  }

  /**
   * A taken block is done ({@code skipped}: found done without running it). Its downstream blocks
   * whose upstream blocks are now all done become ready.
   */
  public void succeeded(int task, long id, boolean skipped) {
    TaskState s = tasks[task];
    finishInFlight(s);
    s.completed++;
    if (skipped) {
      s.skipped++;
    }
    s.failedAttempts.remove(id);
    // 1. remember it while blocks downstream of it are unfinished
    scratchCount[0] = 0;
    graph.downstream(task, id, (t, d) -> scratchCount[0]++);
    if (scratchCount[0] > 0) {
      s.doneWaiting.put(id, (int) scratchCount[0]);
    }
    // 2. it no longer keeps its upstream blocks in memory
    releaseUpstream(task, id);
    // 3. downstream blocks whose upstream blocks are all done are ready now
    graph.downstream(task, id, readyIfUnblocked);
    updateFinished();
  }

  /** Queues downstream block {@code d} of task {@code t} if all its upstream blocks are done. */
  private void readyIfUnblocked(int t, long d) {
    scratchFlag[0] = true;
    graph.upstream(t, d, (ut, u) -> {
      if (scratchFlag[0] && !tasks[ut].doneWaiting.containsKey(u)) {
        scratchFlag[0] = false;
      }
    });
    if (scratchFlag[0] && tasks[t].abandonReason == null) {
      tasks[t].ready.addLast(d);
    }
  }

  /** One fewer unfinished downstream block for done block {@code u}; forgotten at zero. */
  private void decrementDone(int ut, long u) {
    LongIntMap waiting = tasks[ut].doneWaiting;
    if (waiting.containsKey(u) && waiting.add(u, -1) == 0) {
      waiting.remove(u);
    }
  }

  private void releaseUpstream(int task, long id) {
    graph.upstream(task, id, decrementDone);
  }

  /**
   * An attempt of a taken block failed. Returns true if the block goes back to the ready queue,
   * false if it has failed for good (its downstream blocks will be orphaned).
   */
  public boolean failed(int task, long id, String error, String source) {
    TaskState s = tasks[task];
    finishInFlight(s);
    int attempts = s.failedAttempts.get(id, 0) + 1;
    if (attempts <= s.maxRetries && s.abandonReason == null) {
      s.failedAttempts.put(id, attempts);
      s.retries++;
      s.ready.addLast(id);
      return true;
    }
    s.failedAttempts.remove(id);
    s.failed++;
    recordFailure(s, id, attempts, error, source);
    // a finished block, as far as its upstream blocks are concerned
    releaseUpstream(task, id);
    if (s.abandonReason == null && s.failed > s.allowedFailures) {
      abandon(task, "gave up on task " + graph.taskName(task) + ": " + s.failed + " blocks failed"
          + " for good, more than max_failures (" + maxFailures[task].text()
          + (maxFailures[task] instanceof FailureLimit.Share ? " of " + s.total + " blocks = "
              + s.allowedFailures : "") + "); its remaining blocks were not run and blocks"
          + " downstream of it are orphaned");
    }
    updateFinished();
    return false;
  }

  /**
   * Gives up on a task (its workers keep dying): every block not yet finished or in flight fails
   * with {@code reason}; blocks in flight fail when they come back.
   */
  public void abandon(int task, String reason) {
    abandon(task, reason, null);
  }

  /** As {@link #abandon(int, String)}, naming where the reason was found (a worker, its log). */
  public void abandon(int task, String reason, String source) {
    TaskState s = tasks[task];
    if (s.finished) {
      return;
    }
    s.abandonReason = reason;
    long notStarted = s.total - s.completed - s.failed - s.inFlight;
    s.failed += notStarted;
    recordFailure(s, -1, 0, reason, source);
    while (!s.ready.isEmpty()) {
      s.ready.removeFirst();
    }
    s.roots.skipAll();
    updateFinished();
  }

  private void finishInFlight(TaskState s) {
    if (s.inFlight <= 0) {
      throw new IllegalStateException("task " + graph.taskName(s.index) + " has no block in flight");
    }
    s.inFlight--;
  }

  private void recordFailure(TaskState s, long id, int attempts, String error, String source) {
    failureCount++;
    if (failures.size() < MAX_FAILURES || id < 0) { // a task given up is always named
      failures.add(new Failure(graph.taskName(s.index), id,
          id < 0 ? null : graph.block(s.index, id).writeRoi(), attempts, error, source));
    }
  }

  /**
   * Marks tasks that can make no more progress as finished. A task is finished when every block
   * is accounted for, or when nothing of it is ready or in flight and all its upstream tasks are
   * finished: then no block of it can ever become ready, and the ones left are orphans.
   */
  private void updateFinished() {
    for (int t : topological) {
      TaskState s = tasks[t];
      if (s.finished) {
        continue;
      }
      boolean done = s.completed + s.failed == s.total && s.inFlight == 0;
      if (!done && s.inFlight == 0 && s.ready.isEmpty() && s.roots.isExhausted()) {
        done = true;
        for (int u : graph.upstreamTasks(t)) {
          done &= tasks[u].finished;
        }
      }
      if (done) {
        s.finished = true;
        s.orphaned = s.total - s.completed - s.failed;
      }
    }
  }

  /** True if {@code task} has a block to hand out now (or resumed blocks to skip). */
  public boolean hasReady(int task) {
    return tasks[task].hasReady();
  }

  public boolean isFinished(int task) {
    return tasks[task].finished;
  }

  public boolean allFinished() {
    for (TaskState s : tasks) {
      if (!s.finished) {
        return false;
      }
    }
    return true;
  }

  /** Why the task was given up, or null. */
  public String abandonReason(int task) {
    return tasks[task].abandonReason;
  }

  public TaskCounts counts(int task) {
    return tasks[task].counts();
  }

  /** The first failures (at most 50), in the order they happened. */
  public List<Failure> failures() {
    return Collections.unmodifiableList(new ArrayList<>(failures));
  }

  public long failureCount() {
    return failureCount;
  }

  /** Entries held in memory for {@code task}: ready queue + done-but-still-needed blocks. */
  public long frontierSize(int task) {
    TaskState s = tasks[task];
    return s.ready.size() + s.doneWaiting.size() + s.failedAttempts.size();
  }
}
