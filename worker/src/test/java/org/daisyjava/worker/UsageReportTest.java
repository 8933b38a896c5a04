package org.daisyjava.worker;

import static org.daisyjava.worker.FakeScheduler.block;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.BlockCode.Kind;
import org.daisyjava.core.ProcessUsage;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.Goodbye;
import org.daisyjava.core.protocol.Message.Heartbeat;
import org.daisyjava.core.protocol.Message.NoMoreBlocks;
import org.daisyjava.core.protocol.Message.Release;
import org.junit.jupiter.api.Test;

/**
 * A worker reports what its process has used (PROTOCOL.md): in the heartbeats it sends when
 * silent, now and then while busy, and in its goodbye — which is how the launcher knows CPU time
 * and peak memory of workers on other machines. (Here the worker's process is the test's JVM.)
 */
class UsageReportTest {
  private static final long HEARTBEAT_MS = 50;

  @Test
  void heartbeatsDuringALongBlockAndTheGoodbyeCarryTheProcesssUsage() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch mayFinish = new CountDownLatch(1);
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t",
            WorkerOptions.defaults().withFunction(b -> {
              running.countDown();
              mayFinish.await();
            }))) {
      scheduler.welcome(1, null, HEARTBEAT_MS, 1000, null);
      scheduler.expect(Acquire.class);
      scheduler.sendBlock(block("t", 1), 1);
      assertTrue(running.await(60, TimeUnit.SECONDS));
      ProcessUsage last = null;
      int reports = 0;
      long deadline = System.nanoTime() + FakeScheduler.PATIENCE.toNanos();
      while (reports < 3) {
        assertTrue(System.nanoTime() < deadline, "fewer than 3 heartbeats with usage");
        Message m = scheduler.receive(Duration.ofSeconds(1));
        if (m instanceof Heartbeat h) {
          ProcessUsage u = h.usage();
          assertNotNull(u, "a worker's heartbeat says what its process used");
          assertTrue(u.peakRssKb() > 1024, u.toString());
          assertTrue(last == null || (u.cpuMillis() >= last.cpuMillis() && u.peakRssKb() >= last.peakRssKb()),
              () -> "usage only grows: " + u);
          last = u;
          reports++;
        }
      }
      mayFinish.countDown();
      assertEquals(1, scheduler.expect(Release.class).blockId());
      scheduler.send(new NoMoreBlocks());
      scheduler.send(new NoMoreBlocks());
      Message m = scheduler.next();
      while (m instanceof Acquire) { // its prefetch, and the release's "and the next one"
        m = scheduler.next();
      }
      Goodbye goodbye = assertInstanceOf(Goodbye.class, m);
      assertNotNull(goodbye.usage(), "the goodbye says what the process used in all");
      assertTrue(goodbye.usage().cpuMillis() >= last.cpuMillis(), goodbye.toString());
      assertEquals(WorkerExitCodes.FINISHED, worker.awaitExit());
    }
  }

  @Test
  void theLargestBlockProcessIsInThePeak() throws Exception {
    // a block process that holds half as much again as this JVM's own peak, and then some
    long selfPeakKb = ProcessUsage.ofSelf().peakRssKb();
    long childKb = selfPeakKb * 3 / 2 + 50 * 1024;
    BlockCode command = BlockCode.of(Kind.COMMAND,
        "python3 -c 'import time; b = b\"x\" * (" + childKb + " * 1024); time.sleep(3)'");
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults())) {
      scheduler.welcome(1, command, HEARTBEAT_MS, 1000, null);
      scheduler.expect(Acquire.class);
      scheduler.sendBlock(block("t", 1), 1);
      long largest = 0;
      long deadline = System.nanoTime() + FakeScheduler.PATIENCE.toNanos();
      Message m;
      while (!((m = scheduler.receive(Duration.ofSeconds(1))) instanceof Release)) {
        assertTrue(System.nanoTime() < deadline, "the block never ended");
        if (m instanceof Heartbeat h && h.usage() != null) {
          largest = Math.max(largest, h.usage().peakRssKb());
        }
      }
      assertTrue(((Release) m).success(), m.toString());
      assertTrue(largest >= childKb, "peak " + largest + " kB, the block process held " + childKb + " kB");
      assertTrue(largest > ProcessUsage.ofSelf().peakRssKb(), "more than the worker's own peak");
      worker.worker().stop();
    }
  }

  @Test
  void aBusyWorkerStillReportsItsUsage() {
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults().withFunction(b -> {}))) {
      scheduler.welcome(1, null, HEARTBEAT_MS, 1000, null);
      long next = 0;
      ProcessUsage reported = null;
      long deadline = System.nanoTime() + FakeScheduler.PATIENCE.toNanos();
      // blocks as fast as it asks: its releases keep it from being silent, yet the usage comes
      while (reported == null) {
        assertTrue(System.nanoTime() < deadline, "no usage from a busy worker in " + next + " blocks");
        Message m = scheduler.receive(Duration.ofSeconds(1));
        if (m instanceof Acquire) {
          scheduler.sendBlock(block("t", next++), 1);
        } else if (m instanceof Heartbeat h) {
          reported = h.usage();
        }
      }
      assertTrue(reported.peakRssKb() > 1024, reported.toString());
      worker.worker().stop();
    }
  }
}
