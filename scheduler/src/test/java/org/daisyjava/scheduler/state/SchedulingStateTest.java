package org.daisyjava.scheduler.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.daisyjava.core.Roi;
import org.daisyjava.scheduler.checkpoint.BlockBitSet;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.core.Fit;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class SchedulingStateTest {
  /** Block key over all tasks. */
  record B(int task, long id) {}

  static DependencyGraph chain3d() {
    return DependencyGraph.of(List.of(
        new TaskGeometry("a", Roi.of(new long[] {0, 0, 0}, new long[] {90, 90, 90}),
            Roi.of(new long[] {-5, -5, -5}, new long[] {20, 20, 20}),
            Roi.of(new long[] {0, 0, 0}, new long[] {10, 10, 10}), Fit.VALID, true, List.of()),
        new TaskGeometry("b", Roi.of(new long[] {5, 5, 5}, new long[] {80, 80, 80}),
            Roi.of(new long[] {-5, -5, -5}, new long[] {20, 20, 20}),
            Roi.of(new long[] {0, 0, 0}, new long[] {10, 10, 10}), Fit.SHRINK, true, List.of("a"))));
  }

  /** Drives the state with workers that finish blocks in random order. */
  static final class Simulation {
    final DependencyGraph graph;
    final SchedulingState state;
    final Set<B> done = new HashSet<>();
    final Set<B> everTaken = new HashSet<>();
    final List<B> inFlight = new ArrayList<>();
    final Random rnd;
    int maxFrontier;

    Simulation(DependencyGraph graph, SchedulingState state, long seed) {
      this.graph = graph;
      this.state = state;
      this.rnd = new Random(seed);
    }

    /** Takes up to {@code width} blocks, asserting every upstream block is done. */
    void fill(int width) {
      for (int t = 0; t < graph.taskCount() && inFlight.size() < width; t++) {
        for (long id = state.take(t); id >= 0; id = state.take(t)) {
          B b = new B(t, id);
          List<B> up = new ArrayList<>();
          graph.upstream(t, id, (ut, u) -> up.add(new B(ut, u)));
          for (B u : up) {
            assertTrue(done.contains(u), b + " handed out before its upstream " + u);
          }
          assertFalse(done.contains(b), b + " handed out after it was done");
          everTaken.add(b);
          inFlight.add(b);
          if (inFlight.size() >= width) {
            break;
          }
        }
      }
    }

    B finishOne() {
      B b = inFlight.remove(rnd.nextInt(inFlight.size()));
      return b;
    }

    void trackFrontier() {
      int f = 0;
      for (int t = 0; t < graph.taskCount(); t++) {
        f += state.frontierSize(t);
      }
      maxFrontier = Math.max(maxFrontier, f);
    }
  }

  @Test
  void everyBlockRunsOnceInDependencyOrderAndTheFrontierDrains() {
    DependencyGraph g = chain3d();
    SchedulingState s = new SchedulingState(g, new int[] {2, 2}, null);
    Simulation sim = new Simulation(g, s, 1);
    int taken = 0;
    while (true) {
      sim.fill(8);
      if (sim.inFlight.isEmpty()) {
        break;
      }
      B b = sim.finishOne();
      assertTrue(sim.done.add(b), "finished twice: " + b);
      s.succeeded(b.task(), b.id(), false);
      sim.trackFrontier();
      taken++;
    }
    long total = g.totalBlocks();
    assertEquals(total, taken);
    assertTrue(s.allFinished());
    for (int t = 0; t < g.taskCount(); t++) {
      TaskCounts c = s.counts(t);
      assertEquals(c.total(), c.completed());
      assertEquals(0, c.failed() + c.orphaned() + c.skipped() + c.retries() + c.running());
      assertEquals(0, s.frontierSize(t), "frontier left behind in task " + t);
    }
    assertTrue(sim.maxFrontier < total, "frontier " + sim.maxFrontier + " of " + total);
  }

  @RepeatedTest(20)
  void aFailedBlockOrphansExactlyItsTransitiveDownstream(RepetitionInfo rep) {
    DependencyGraph g = chain3d();
    Random rnd = new Random(rep.getCurrentRepetition());
    Set<B> doomed = new HashSet<>(); // blocks whose every attempt fails
    for (int i = 0; i < 3; i++) {
      int t = rnd.nextInt(2);
      doomed.add(new B(t, rnd.nextInt((int) g.grid(t).blockCount())));
    }
    SchedulingState s = new SchedulingState(g, new int[] {1, 1}, null);
    Simulation sim = new Simulation(g, s, rep.getCurrentRepetition());
    Set<B> failedOnce = new HashSet<>();
    while (true) {
      sim.fill(6);
      if (sim.inFlight.isEmpty()) {
        break;
      }
      B b = sim.finishOne();
      if (doomed.contains(b)) {
        boolean retry = s.failed(b.task(), b.id(), "boom", "test");
        assertEquals(failedOnce.add(b), retry, "max_retries 1: one retry, then failed for good");
      } else {
        sim.done.add(b);
        s.succeeded(b.task(), b.id(), false);
      }
    }
    // everything reachable downstream from a doomed block never runs
    Set<B> closure = new HashSet<>();
    ArrayDeque<B> queue = new ArrayDeque<>(doomed);
    while (!queue.isEmpty()) {
      B b = queue.poll();
      g.downstream(b.task(), b.id(), (t, d) -> {
        if (closure.add(new B(t, d))) {
          queue.add(new B(t, d));
        }
      });
    }
    Set<B> neverRun = new HashSet<>();
    for (int t = 0; t < 2; t++) {
      for (long id = 0; id < g.grid(t).blockCount(); id++) {
        if (!sim.everTaken.contains(new B(t, id))) {
          neverRun.add(new B(t, id));
        }
      }
    }
    assertEquals(closure, neverRun, "exactly the transitive downstream of failures is never run");
    assertTrue(s.allFinished());
    long failed = 0;
    long orphaned = 0;
    for (int t = 0; t < 2; t++) {
      TaskCounts c = s.counts(t);
      failed += c.failed();
      orphaned += c.orphaned();
      assertEquals(c.total(), c.completed() + c.failed() + c.orphaned());
    }
    assertEquals(doomed.stream().filter(b -> !closure.contains(b)).count(), failed);
    assertEquals(closure.size(), orphaned);
    assertTrue(orphaned > 0 || doomed.stream().allMatch(b -> countDownstream(g, b) == 0));
  }

  private static int countDownstream(DependencyGraph g, B b) {
    int[] n = {0};
    g.downstream(b.task(), b.id(), (t, d) -> n[0]++);
    return n[0];
  }

  @Test
  void aBlockThatFailsOnceIsRetriedWithTheNextAttemptNumber() {
    DependencyGraph g = chain3d();
    SchedulingState s = new SchedulingState(g, new int[] {2, 2}, null);
    long id = s.take(0);
    assertEquals(1, s.attempt(0, id));
    assertTrue(s.failed(0, id, "flaky", null));
    // it comes back after the other ready blocks (roots are walked lazily, the retry is queued)
    long again = s.take(0);
    assertEquals(id, again, "explicitly queued blocks go before new roots");
    assertEquals(2, s.attempt(0, again));
    assertTrue(s.failed(0, again, "flaky", null));
    assertEquals(3, s.attempt(0, s.take(0)));
    assertFalse(s.failed(0, id, "still broken", "worker 7"), "fails for good on attempt max_retries+1");
    TaskCounts c = s.counts(0);
    assertEquals(1, c.failed());
    assertEquals(2, c.retries());
    assertEquals("still broken", s.failures().get(0).error());
    assertEquals(3, s.failures().get(0).attempts());
  }

  @Test
  void resumedBlocksAreSkippedNotHandedOut() {
    DependencyGraph g = chain3d();
    Set<Long> resumedA = new HashSet<>();
    for (long id = 0; id < g.grid(0).blockCount(); id += 3) {
      resumedA.add(id);
    }
    DoneBlocks[] resumed = {doneSet(resumedA), null};
    SchedulingState s = new SchedulingState(g, new int[] {0, 0}, resumed);
    Simulation sim = new Simulation(g, s, 5);
    resumedA.forEach(id -> sim.done.add(new B(0, id))); // done by the earlier run
    while (true) {
      sim.fill(4);
      if (sim.inFlight.isEmpty()) {
        break;
      }
      B b = sim.finishOne();
      assertFalse(b.task() == 0 && resumedA.contains(b.id()), "resumed block handed out: " + b);
      sim.done.add(b);
      s.succeeded(b.task(), b.id(), false);
    }
    TaskCounts a = s.counts(0);
    assertEquals(resumedA.size(), a.skipped());
    assertEquals(a.total(), a.completed());
    assertEquals(s.counts(1).total(), s.counts(1).completed());
  }

  @Test
  void aTaskTheEarlierRunFinishedIsFinishedBeforeAnyWorkerAsks() {
    DependencyGraph g = chain3d();
    // the earlier run finished all of a and the first half (by id) of b's blocks
    long halfB = g.grid(1).blockCount() / 2;
    DoneBlocks[] resumed = {doneRange(0, g.grid(0).blockCount()), doneRange(0, halfB)};
    SchedulingState s = new SchedulingState(g, new int[] {0, 0}, resumed);
    long skipped = s.skipResumed();
    assertTrue(s.isFinished(0), "a needs no worker at all");
    assertEquals(g.grid(0).blockCount(), s.counts(0).skipped());
    assertFalse(s.isFinished(1));
    assertTrue(s.hasReady(1), "b's first block still to run is ready");
    assertEquals(skipped, s.counts(0).skipped() + s.counts(1).skipped());
    // what is left of b is handed out, and none of it was done before
    Simulation sim = new Simulation(g, s, 3);
    for (long id = 0; id < g.grid(0).blockCount(); id++) {
      sim.done.add(new B(0, id));
    }
    for (long id = 0; id < halfB; id++) {
      sim.done.add(new B(1, id));
    }
    while (true) {
      sim.fill(4);
      if (sim.inFlight.isEmpty()) {
        break;
      }
      B b = sim.finishOne();
      assertTrue(b.task() == 1 && b.id() >= halfB, "re-ran a block the earlier run finished: " + b);
      sim.done.add(b);
      s.succeeded(b.task(), b.id(), false);
    }
    assertEquals(g.grid(1).blockCount(), s.counts(1).completed());
    assertTrue(s.allFinished());
  }

  @Test
  void abandoningATaskFailsItsRemainingBlocksAndOrphansDownstream() {
    DependencyGraph g = chain3d();
    SchedulingState s = new SchedulingState(g, new int[] {5, 5}, null);
    long first = s.take(0);
    long second = s.take(0);
    s.succeeded(0, first, false);
    s.abandon(0, "workers of task a died 11 times");
    assertFalse(s.isFinished(0), "a block is still in flight");
    assertEquals(-1, s.take(0));
    assertFalse(s.failed(0, second, "worker died", null), "no retries once abandoned");
    assertTrue(s.isFinished(0));
    TaskCounts a = s.counts(0);
    assertEquals(1, a.completed());
    assertEquals(a.total() - 1, a.failed());
    // b reads everything a writes: nothing of it can run
    while (s.take(1) >= 0) {
      throw new AssertionError("b must not get blocks");
    }
    assertTrue(s.isFinished(1));
    assertEquals(s.counts(1).total(), s.counts(1).orphaned());
    assertTrue(s.failures().get(0).error().contains("died 11 times"));
  }

  @Test
  void aChainedTaskWithDisjointRoisRunsWithoutWaiting() {
    DependencyGraph g = DependencyGraph.of(List.of(
        new TaskGeometry("a", Roi.of(new long[] {0}, new long[] {100}), Roi.of(new long[] {0}, new long[] {10}),
            Roi.of(new long[] {0}, new long[] {10}), Fit.VALID, false, List.of()),
        new TaskGeometry("b", Roi.of(new long[] {500}, new long[] {100}), Roi.of(new long[] {0}, new long[] {10}),
            Roi.of(new long[] {0}, new long[] {10}), Fit.VALID, false, List.of("a"))));
    SchedulingState s = new SchedulingState(g, new int[] {0, 0}, null);
    int count = 0;
    for (long id = s.take(1); id >= 0; id = s.take(1)) {
      s.succeeded(1, id, false);
      count++;
    }
    assertEquals(10, count, "b does not wait for a");
    assertTrue(s.isFinished(1), "every block of b is done");
    assertFalse(s.isFinished(0), "a has not started");
  }

  static BlockBitSet doneSet(Iterable<Long> ids) {
    BlockBitSet set = new BlockBitSet();
    ids.forEach(set::set);
    return set;
  }

  static BlockBitSet doneRange(long from, long to) {
    BlockBitSet set = new BlockBitSet();
    for (long id = from; id < to; id++) {
      set.set(id);
    }
    return set;
  }
}
