package org.daisyjava.worker;

import static org.daisyjava.worker.FakeScheduler.block;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.BlockCode.Kind;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.Message.AcquireBatch;
import org.daisyjava.core.protocol.Message.Assign;
import org.daisyjava.core.protocol.Message.AssignBatch;
import org.daisyjava.core.protocol.Message.Goodbye;
import org.daisyjava.core.protocol.Message.NoMoreBlocks;
import org.daisyjava.core.protocol.Message.Outcome;
import org.daisyjava.core.protocol.Message.ReleaseBatch;
import org.daisyjava.core.protocol.Message.Welcome;
import org.daisyjava.core.protocol.ProtocolVersion;
import org.junit.jupiter.api.Test;

/**
 * The worker in a version-2 session: it offers version 2 in its hello, and once welcomed to it
 * asks for what its depth lacks in one acquire, releases what finished together in one release
 * (which asks for the next ones), takes several blocks from one message and runs them in order,
 * keeps within its depth, and leaves on one no_more_blocks. (Against a version-1 scheduler it
 * speaks version 1: every other worker test runs against one.)
 */
class BatchedSessionTest {
  /** What {@link #serve} saw. */
  private record Served(int maxOutstanding, int releases, int releasedTogether, List<Long> order) {}

  /**
   * A version-2 scheduler that answers every request at once with as many blocks as asked (while
   * any are left), each answer one message; fails on any version-1 acquire or release.
   */
  private static Served serve(FakeScheduler scheduler, int blocks) {
    int requested = 0;
    int held = 0;
    int maxOutstanding = 0;
    int sent = 0;
    int released = 0;
    int releases = 0;
    int together = 0;
    List<Long> order = new ArrayList<>();
    while (released < blocks) {
      Message m = scheduler.next();
      int asked;
      if (m instanceof AcquireBatch a) {
        asked = a.count();
      } else if (m instanceof ReleaseBatch r) {
        for (Outcome o : r.blocks()) {
          assertTrue(o.success(), "release " + r);
        }
        held -= r.blocks().size();
        released += r.blocks().size();
        releases++;
        together = Math.max(together, r.blocks().size());
        asked = r.acquire();
      } else {
        throw new AssertionError("a version-1 or unexpected message in a version-2 session: " + m);
      }
      requested += asked;
      maxOutstanding = Math.max(maxOutstanding, requested + held);
      List<Assign> batch = new ArrayList<>();
      while (requested > 0 && sent < blocks) {
        order.add((long) sent);
        batch.add(new Assign(block("t", sent++), 1));
        requested--;
        held++;
      }
      if (!batch.isEmpty()) {
        scheduler.send(new AssignBatch(batch));
      }
    }
    scheduler.send(new NoMoreBlocks()); // one for all that is still asked for
    while (true) {
      Message m = scheduler.next();
      if (m instanceof Goodbye) {
        return new Served(maxOutstanding, releases, together, order);
      }
      // a request sent before the no_more_blocks arrived: answered by it already
      assertTrue(m instanceof AcquireBatch || m instanceof ReleaseBatch, "expected goodbye, got " + m);
    }
  }

  private static void welcomeV2(FakeScheduler scheduler, BlockCode process) {
    Message.Hello hello = scheduler.expect(Message.Hello.class);
    assertEquals(ProtocolVersion.V2, hello.newest(), "the worker offers version 2");
    scheduler.send(new Welcome(1, process, 200, 25, null, ProtocolVersion.V2));
  }

  @Test
  void asksAndReleasesInBatchesAndRunsBlocksInTheOrderReceived() {
    List<Long> ran = new CopyOnWriteArrayList<>();
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t",
            WorkerOptions.defaults().withFunction(b -> ran.add(b.id())))) {
      welcomeV2(scheduler, null);
      AcquireBatch first = scheduler.expect(AcquireBatch.class);
      assertEquals(PrefetchDepth.MIN, first.count(), "one running and one prefetched, in one message");
      List<Assign> two = List.of(new Assign(block("t", 0), 1), new Assign(block("t", 1), 1));
      scheduler.send(new AssignBatch(two));
      int releasedSoFar = 0;
      while (releasedSoFar < 2) {
        ReleaseBatch r = scheduler.expect(ReleaseBatch.class);
        releasedSoFar += r.blocks().size();
        assertTrue(r.acquire() <= PrefetchDepth.MIN, "asks for no more than its depth lacks: " + r);
      }
      scheduler.send(new NoMoreBlocks());
      Message m;
      do {
        m = scheduler.next();
      } while (!(m instanceof Goodbye));
      assertEquals(WorkerExitCodes.FINISHED, worker.awaitExit());
      assertEquals(List.of(0L, 1L), ran, "both blocks of the one message ran, in order");
    }
  }

  @Test
  void keepsWithinItsDepthWithSleepingBlocks() {
    BlockCode sleep = new BlockCode(Kind.BUILTIN, "sleep", Map.of("seconds", "0.01"));
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults())) {
      welcomeV2(scheduler, sleep);
      Served served = serve(scheduler, 30);
      assertEquals(PrefetchDepth.MIN, served.maxOutstanding());
      assertEquals(WorkerExitCodes.FINISHED, worker.awaitExit());
    }
  }

  @Test
  void noopBlocksInVersionTwo() {
    for (int blocks : new int[] {3_000, 20_000}) { // the first run warms up class loading and JIT
      // only the one runner thread adds; read after the worker has exited
      java.util.Queue<Long> ran = new java.util.concurrent.ConcurrentLinkedQueue<>();
      try (FakeScheduler scheduler = new FakeScheduler();
          RunningWorker worker = RunningWorker.start(scheduler, "t",
              WorkerOptions.defaults().withFunction(b -> ran.add(b.id())))) {
        welcomeV2(scheduler, null);
        long start = System.nanoTime();
        Served served = serve(scheduler, blocks);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("version 2: %d noop blocks in %.2f s: %.0f blocks/s, at most %d outstanding,"
            + " %d releases (up to %d blocks in one; fake scheduler in the same JVM)%n", blocks, seconds,
            blocks / seconds, served.maxOutstanding(), served.releases(), served.releasedTogether());
        assertTrue(served.maxOutstanding() <= PrefetchDepth.MAX, "within the cap: " + served.maxOutstanding());
        assertEquals(WorkerExitCodes.FINISHED, worker.awaitExit());
        assertEquals(served.order(), List.copyOf(ran), "every block ran once, in the order received");
      }
    }
  }
}
