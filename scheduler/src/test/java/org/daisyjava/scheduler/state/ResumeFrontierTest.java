package org.daisyjava.scheduler.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.daisyjava.scheduler.checkpoint.BlockBitSet;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.scheduler.graph.GraphPropertyTest;
import org.daisyjava.scheduler.state.SchedulingStateTest.B;
import org.daisyjava.scheduler.state.SchedulingStateTest.Simulation;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * Resuming on random pipelines, checked against brute force: a launch is cut off after a random
 * number of finished blocks (what it had in flight is lost, as in a crash), and a second state is
 * made from what it finished. The second state must store nothing for the resumed blocks (its
 * frontier right away is exactly the blocks whose every upstream block was resumed), hand out
 * every other block exactly once and only after its upstream blocks, and finish every task.
 */
class ResumeFrontierTest {
  @RepeatedTest(200)
  void aCutOffRunResumesWithOnlyItsFrontierInMemory(RepetitionInfo rep) {
    Random rnd = new Random(7_000 + rep.getCurrentRepetition());
    DependencyGraph g = DependencyGraph.of(GraphPropertyTest.randomPipeline(rnd));
    int n = g.taskCount();
    long all = g.totalBlocks();
    // 1. the first launch, cut off after a random share of its blocks
    SchedulingState first = new SchedulingState(g, new int[n], null);
    Simulation run = new Simulation(g, first, rnd.nextLong());
    long stopAfter = all == 0 ? 0 : rnd.nextInt((int) Math.min(all, 1_000_000) + 1);
    int width = 1 + rnd.nextInt(6);
    while (run.done.size() < stopAfter) {
      run.fill(width);
      B b = run.finishOne();
      run.done.add(b);
      first.succeeded(b.task(), b.id(), false);
    }
    BlockBitSet[] logged = new BlockBitSet[n];
    for (int t = 0; t < n; t++) {
      logged[t] = new BlockBitSet();
    }
    run.done.forEach(b -> logged[b.task()].set(b.id()));

    // 2. the resumed state: counts at once, and a frontier of exactly the unblocked blocks
    SchedulingState resumed = new SchedulingState(g, new int[n], logged);
    for (int t = 0; t < n; t++) {
      TaskCounts c = resumed.counts(t);
      assertEquals(logged[t].cardinality(), c.skipped(), "task " + t + " skipped");
      assertEquals(logged[t].cardinality(), c.completed(), "task " + t + " completed");
      long unblocked = unblockedNonRoots(g, t, run.done);
      assertEquals(unblocked, c.ready(), "task " + t + ": ready right after resuming");
      assertEquals(unblocked, resumed.frontierSize(t), "task " + t + ": nothing stored for resumed blocks");
    }
    resumed.skipResumed();

    // 3. the rest runs exactly once, in dependency order
    Simulation rest = new Simulation(g, resumed, rnd.nextLong());
    rest.done.addAll(run.done);
    while (true) {
      rest.fill(width);
      if (rest.inFlight.isEmpty()) {
        break;
      }
      B b = rest.finishOne();
      assertFalse(run.done.contains(b), "resumed block handed out again: " + b);
      rest.done.add(b);
      resumed.succeeded(b.task(), b.id(), false);
      rest.trackFrontier();
    }
    assertTrue(resumed.allFinished());
    for (int t = 0; t < n; t++) {
      TaskCounts c = resumed.counts(t);
      assertEquals(c.total(), c.completed(), "task " + t + " completed");
      assertEquals(0, c.orphaned(), "task " + t + " orphaned");
      assertEquals(0, resumed.frontierSize(t), "task " + t + ": frontier drained");
    }
    assertEquals(all, rest.done.size());
    assertEquals(all - run.done.size(), rest.everTaken.size(), "every block not logged ran once");
  }

  /** Brute force: blocks that wait for something, none of it unfinished, and are not done. */
  private static long unblockedNonRoots(DependencyGraph g, int t, Set<B> done) {
    long count = 0;
    for (long id = 0; id < g.grid(t).blockCount(); id++) {
      if (done.contains(new B(t, id))) {
        continue;
      }
      List<B> up = new ArrayList<>();
      g.upstream(t, id, (ut, u) -> up.add(new B(ut, u)));
      if (!up.isEmpty() && done.containsAll(up)) {
        count++;
      }
    }
    return count;
  }

  @Test
  void aFinishedRunIsFinishedBeforeTheFirstTakeWithNothingStored() {
    DependencyGraph g = SchedulingStateTest.chain3d();
    BlockBitSet[] all = {SchedulingStateTest.doneRange(0, g.grid(0).blockCount()),
        SchedulingStateTest.doneRange(0, g.grid(1).blockCount())};
    SchedulingState s = new SchedulingState(g, new int[2], all);
    assertTrue(s.allFinished());
    for (int t = 0; t < 2; t++) {
      assertEquals(s.counts(t).total(), s.counts(t).skipped());
      assertEquals(0, s.frontierSize(t));
      assertEquals(-1, s.take(t));
    }
  }

  @Test
  void blocksNotClosedUnderUpstreamStillRunOnceAndHoldNoCounters() {
    // a done set that no run could leave (every third block of a), as a check: command may give
    DependencyGraph g = SchedulingStateTest.chain3d();
    Set<Long> third = new HashSet<>();
    for (long id = 0; id < g.grid(0).blockCount(); id += 3) {
      third.add(id);
    }
    SchedulingState s = new SchedulingState(g, new int[2],
        new DoneBlocks[] {SchedulingStateTest.doneSet(third), null});
    Simulation sim = new Simulation(g, s, 11);
    third.forEach(id -> sim.done.add(new B(0, id)));
    while (true) {
      sim.fill(3);
      if (sim.inFlight.isEmpty()) {
        break;
      }
      B b = sim.finishOne();
      sim.done.add(b);
      s.succeeded(b.task(), b.id(), false);
    }
    assertTrue(s.allFinished());
    assertEquals(0, s.frontierSize(0), "no counter waits for a resumed downstream block");
    assertEquals(0, s.frontierSize(1));
  }
}
