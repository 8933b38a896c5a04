package org.daisyjava.scheduler.state;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.daisyjava.scheduler.graph.BlockSink;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.scheduler.graph.DependencyWalker;

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
 *
 * <p>Blocks an earlier launch finished ({@link DoneBlocks}, from the checkpoint log) are done from
 * the start: counted as skipped at once, never queued, never given a counter — whether one is
 * done is asked of the done set itself. Resuming therefore costs memory in proportion to the
 * frontier of what is left, not to what was done: a finished run of 10^7 blocks is finished
 * before the first take, and a half-finished one stores only the blocks that are ready now.
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
  /**
   * Walkers of the graph without an allocation per block. Two, because the downstream sinks walk
   * upstream from inside the downstream walk, and a walker is not reentrant.
   */
  private final DependencyWalker upstreamWalk;
  private final DependencyWalker downstreamWalk;
  private final long[] scratchCount = new long[1];
  private final boolean[] scratchFlag = new boolean[1];
  private final BlockSink readyIfUnblocked = this::readyIfUnblocked;
  private final BlockSink decrementDone = this::decrementDone;
  private final BlockSink countUnfinishedDownstream = this::countUnfinishedDownstream;
  private final BlockSink clearFlagIfNotDone = this::clearFlagIfNotDone;

  /**
   * With no limit on blocks failed for good: every block is tried.
   *
   * @param maxRetries per task: a block fails for good on attempt {@code maxRetries + 1}
   * @param resumed per task: blocks already done in an earlier run (null entries or array: none)
   */
  public SchedulingState(DependencyGraph graph, int[] maxRetries, DoneBlocks[] resumed) {
    this(graph, maxRetries, null, resumed);
  }

  /**
   * @param maxRetries per task: a block fails for good on attempt {@code maxRetries + 1}
   * @param maxFailures per task: once more blocks than this have failed for good the task is
   *     given up ({@link #abandon}); a null array or entry: no limit
   * @param resumed per task: blocks already done in an earlier run (null entries or array: none)
   */
  public SchedulingState(DependencyGraph graph, int[] maxRetries, FailureLimit[] maxFailures,
      DoneBlocks[] resumed) {
    this.graph = graph;
    this.upstreamWalk = graph.walker();
    this.downstreamWalk = graph.walker();
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
    queueReadyAfterResume();
    updateFinished();
  }

  /**
   * Queues the blocks that are ready because everything they wait for was done by the earlier
   * launch: such a block is downstream of a resumed block, so walking the downstream blocks of
   * every resumed block finds them all (roots, which wait for nothing, come from the root
   * cursor). A block with several resumed upstream blocks is met several times; a set of the
   * blocks queued so far — as large as the ready queue, no larger — keeps it queued once.
   * Resumed blocks of a task whose every downstream task (itself included) was finished by the
   * earlier launch cannot make anything ready and are not walked at all.
   */
  private void queueReadyAfterResume() {
    LongIntMap[] queued = new LongIntMap[tasks.length];
    for (int t = 0; t < tasks.length; t++) {
      queued[t] = new LongIntMap();
    }
    BlockSink candidate = (t, d) -> {
      TaskState s = tasks[t];
      if (s.isResumed(d) || queued[t].containsKey(d)) {
        return;
      }
      scratchFlag[0] = true;
      upstreamWalk.upstream(t, d, (ut, u) -> scratchFlag[0] &= tasks[ut].isResumed(u));
      if (scratchFlag[0]) {
        queued[t].put(d, 1);
        s.ready.addLast(d);
      }
    };
    for (int u = 0; u < tasks.length; u++) {
      TaskState s = tasks[u];
      if (s.resumed == null || s.resumed.count() == 0 || feedsOnlyFinishedTasks(u)) {
        continue;
      }
      final int task = u;
      s.resumed.forEach(id -> downstreamWalk.downstream(task, id, candidate));
    }
  }

  /** Task {@code u} and every task downstream of it were finished by the earlier launch. */
  private boolean feedsOnlyFinishedTasks(int u) {
    if (!tasks[u].allResumed()) {
      return false;
    }
    for (int d : graph.downstreamTasks(u)) {
      if (!tasks[d].allResumed()) {
        return false;
      }
    }
    return true;
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
   * The next block of {@code task} to hand out, or -1 if none is ready now. Root blocks an
   * earlier launch finished are passed over on the way (they were counted when the state was
   * made).
   */
  public long take(int task) {
    TaskState s = tasks[task];
    int skips = 0;
    while (!s.finished && skips < SKIP_BUDGET) {
      long id;
      if (!s.ready.isEmpty()) {
        id = s.ready.removeFirst(); // never a resumed block: those are not queued
      } else {
        id = s.roots.next();
        if (id < 0) {
          updateFinished(); // the last roots may have been resumed ones
          return -1;
        }
        if (s.isResumed(id)) {
          skips++;
          continue;
        }
      }
      s.inFlight++;
      return id;
    }
    return -1;
  }

  /**
   * Walks each task's root blocks past those an earlier launch finished, up to the first one
   * that still has to run; returns how many blocks the earlier launch finished in all. Run before
   * workers are started, so that a task whose remaining work is only resumed roots is finished at
   * once and gets no workers (on a cluster: no jobs that would wait in the queue only to be told
   * there is nothing to do). Only a grid position is kept, nothing per block.
   */
  public long skipResumed() {
    long resumed = 0;
    for (int t : topological) {
      TaskState s = tasks[t];
      if (s.resumed == null) {
        continue;
      }
      resumed += s.resumed.count();
      if (s.finished) {
        continue;
      }
      for (long id = s.roots.next(); id >= 0; id = s.roots.next()) {
        if (!s.isResumed(id)) {
          s.ready.addFirst(id); // the first root still to run: keep it, stop walking
          break;
        }
      }
    }
    updateFinished();
    return resumed;
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
    // 1. remember it while blocks downstream of it are unfinished (resumed ones never finish
    // in this launch: they are finished already)
    scratchCount[0] = 0;
    downstreamWalk.downstream(task, id, countUnfinishedDownstream);
    if (scratchCount[0] > 0) {
      s.doneWaiting.put(id, (int) scratchCount[0]);
    }
    // 2. it no longer keeps its upstream blocks in memory
    releaseUpstream(task, id);
    // 3. downstream blocks whose upstream blocks are all done are ready now
    downstreamWalk.downstream(task, id, readyIfUnblocked);
    updateFinished();
  }

  private void countUnfinishedDownstream(int t, long d) {
    if (!tasks[t].isResumed(d)) {
      scratchCount[0]++;
    }
  }

  /**
   * Queues downstream block {@code d} of task {@code t} if all its upstream blocks are done: in
   * this launch (they hold a counter) or in an earlier one.
   */
  private void readyIfUnblocked(int t, long d) {
    if (tasks[t].isResumed(d)) {
      return;
    }
    scratchFlag[0] = true;
    upstreamWalk.upstream(t, d, clearFlagIfNotDone);
    if (scratchFlag[0] && tasks[t].abandonReason == null) {
      tasks[t].ready.addLast(d);
    }
  }

  /** Clears the scratch flag if upstream block {@code u} is done neither now nor earlier. */
  private void clearFlagIfNotDone(int ut, long u) {
    if (scratchFlag[0] && !tasks[ut].doneWaiting.containsKey(u) && !tasks[ut].isResumed(u)) {
      scratchFlag[0] = false;
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
    upstreamWalk.upstream(task, id, decrementDone);
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
