package org.daisyjava.worker;

import static org.daisyjava.worker.FakeScheduler.block;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.BlockCode.Kind;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.Goodbye;
import org.daisyjava.core.protocol.Message.NoMoreBlocks;
import org.daisyjava.core.protocol.Message.Release;
import org.junit.jupiter.api.Test;

/**
 * One block running and one prefetched, never more while blocks take milliseconds; more (up to
 * {@link PrefetchDepth#MAX}) for blocks shorter than a round trip. Blocks run in the order
 * received. Also measures blocks per second through a real socket (printed, not asserted).
 */
class PrefetchTest {
  /**
   * Serves {@code blocks} blocks as a scheduler that answers every acquire at once, counting what
   * the worker has outstanding (acquires not yet answered plus blocks not yet released).
   *
   * @return the most outstanding at any time
   */
  private static int serve(FakeScheduler scheduler, int blocks) {
    int requested = 0;
    int held = 0;
    int maxOutstanding = 0;
    int sent = 0;
    int released = 0;
    while (released < blocks) {
      Message m = scheduler.next();
      if (m instanceof Acquire) {
        requested++;
        maxOutstanding = Math.max(maxOutstanding, requested + held);
        if (sent < blocks) {
          scheduler.sendBlock(block("t", sent++), 1);
          requested--;
          held++;
        }
      } else if (m instanceof Release release) {
        assertTrue(release.success(), "release " + release);
        held--;
        released++;
      } else {
        throw new AssertionError("unexpected " + m);
      }
    }
    for (int i = 0; i < requested; i++) {
      scheduler.send(new NoMoreBlocks());
    }
    while (true) {
      Message m = scheduler.next();
      if (m instanceof Goodbye) {
        return maxOutstanding;
      }
      assertTrue(m instanceof Acquire, "expected goodbye, got " + m);
      maxOutstanding = Math.max(maxOutstanding, held + ++requested);
      scheduler.send(new NoMoreBlocks());
      requested--;
    }
  }

  @Test
  void keepsTwoBlocksOutstandingWhileOneRunsAndNeverThree() {
    BlockCode sleep = new BlockCode(Kind.BUILTIN, "sleep", Map.of("seconds", "0.01"));
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults())) {
      scheduler.welcome(sleep, null);
      assertEquals(2, serve(scheduler, 30));
      assertEquals(WorkerExitCodes.FINISHED, worker.awaitExit());
    }
  }

  @Test
  void asksForTheNextBlockWhileTheFirstIsStillRunning() {
    BlockCode sleep = new BlockCode(Kind.BUILTIN, "sleep", Map.of("seconds", "60"));
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults())) {
      scheduler.welcome(sleep, null);
      scheduler.expect(Acquire.class);
      scheduler.sendBlock(block("t", 1), 1);
      scheduler.expect(Acquire.class); // the prefetch: block 1 is running (for a minute)
      scheduler.sendBlock(block("t", 2), 1);
      assertEquals(null, scheduler.nextWithin(java.time.Duration.ofMillis(300)),
          "holding a running and a prefetched block, the worker asks for nothing more");
      assertFalse(worker.hasExited());
    }
  }

  @Test
  void runsBlocksInTheOrderReceived() {
    List<Long> order = new CopyOnWriteArrayList<>();
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t",
            WorkerOptions.defaults().withFunction(b -> order.add(b.id())))) {
      scheduler.welcome(null, null);
      List<Long> sent = new ArrayList<>();
      long[] ids = {17, 3, 42, 8, 23, 5, 99, 1};
      int next = 0;
      int released = 0;
      while (released < ids.length) {
        Message m = scheduler.next();
        if (m instanceof Acquire && next < ids.length) {
          sent.add(ids[next]);
          scheduler.sendBlock(block("t", ids[next++]), 1);
        } else if (m instanceof Release) {
          released++;
        }
      }
      ProcessKindsTest.finish(scheduler, worker);
      assertEquals(sent, order);
    }
  }

  @Test
  void measuresThroughputOfNoopBlocks() {
    for (int blocks : new int[] {3_000, 20_000}) { // the first run warms up class loading and JIT
      try (FakeScheduler scheduler = new FakeScheduler();
          RunningWorker worker = RunningWorker.start(scheduler, "t",
              WorkerOptions.defaults().withFunction(b -> {}))) {
        scheduler.welcome(null, null);
        long start = System.nanoTime();
        int outstanding = serve(scheduler, blocks);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%d noop blocks in %.2f s: %.0f blocks/s, at most %d outstanding"
            + " (fake scheduler in the same JVM)%n", blocks, seconds, blocks / seconds, outstanding);
        assertTrue(outstanding > PrefetchDepth.MIN && outstanding <= PrefetchDepth.MAX,
            "no-op blocks deepen the prefetch, within its bound: " + outstanding);
        assertEquals(WorkerExitCodes.FINISHED, worker.awaitExit());
      }
    }
  }

  /**
   * With a block always prefetched, the next block is there when one finishes: the runner's idle
   * time between blocks is the hand-over inside the worker, not a round trip to the scheduler.
   */
  @Test
  void measuresTheRunnersIdleTimeBetweenOneMillisecondBlocks() {
    int blocks = 1_000;
    List<Long> idleNanos = new ArrayList<>(); // only the runner thread touches these two
    long[] lastEnd = {0};
    BlockFunction oneMillisecond = b -> {
      long start = System.nanoTime();
      if (lastEnd[0] != 0) {
        idleNanos.add(start - lastEnd[0]);
      }
      Thread.sleep(1);
      lastEnd[0] = System.nanoTime();
    };
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t",
            WorkerOptions.defaults().withFunction(oneMillisecond))) {
      scheduler.welcome(null, null);
      serve(scheduler, blocks);
      assertEquals(WorkerExitCodes.FINISHED, worker.awaitExit());
    }
    List<Long> sorted = idleNanos.stream().sorted().toList();
    System.out.printf("%d blocks of 1 ms: runner idle between blocks: median %d us, 90th percentile"
        + " %d us%n", blocks, sorted.get(sorted.size() / 2) / 1000,
        sorted.get(sorted.size() * 9 / 10) / 1000);
  }
}
