package org.daisyjava.worker;

import static org.daisyjava.worker.FakeScheduler.block;
import static org.daisyjava.worker.ProcessKindsTest.expectRelease;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.BlockCode.Kind;
import org.daisyjava.core.protocol.Message.Abandon;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.Goodbye;
import org.daisyjava.core.protocol.Message.Release;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A block the scheduler abandons is stopped (running) or dropped (queued), never released. */
class AbandonTest {
  @TempDir Path runDir;

  @Test
  void abandonKillsARunningCommandWithItsChildrenAndTheWorkerGoesOn() throws Exception {
    // block 1 starts a child that would sleep for 100 s and records its pid; others succeed
    BlockCode command = BlockCode.of(Kind.COMMAND, "if [ \"$DAISY_BLOCK_ID\" = 1 ]; then "
        + "sleep 100 & echo $! > \"$DAISY_RUN_DIR/sleep.pid\"; wait; fi");
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults())) {
      scheduler.welcome(1, command, 200, 25, runDir.toString());
      scheduler.expect(Acquire.class);
      scheduler.sendBlock(block("t", 1), 1);
      long sleepPid = awaitPid(runDir.resolve("sleep.pid"));
      scheduler.send(new Abandon(1, "timed out"));

      LeavingTest.awaitGone(sleepPid);

      scheduler.expect(Acquire.class); // the slot of block 1 is free again
      scheduler.sendBlock(block("t", 2), 1);
      Release release = expectRelease(scheduler);
      assertEquals(2, release.blockId(), "block 1 must never be released");
      assertTrue(release.success());
      ProcessKindsTest.finish(scheduler, worker);
    }
  }

  @Test
  void abandonInterruptsARunningFunctionAndDropsAQueuedBlock() {
    List<Long> ran = new CopyOnWriteArrayList<>();
    CountDownLatch firstRunning = new CountDownLatch(1);
    BlockFunction slowFirst = b -> {
      ran.add(b.id());
      if (b.id() == 1) {
        firstRunning.countDown();
        Thread.sleep(100_000); // interrupted by the abandon
      }
    };
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t",
            WorkerOptions.defaults().withFunction(slowFirst))) {
      scheduler.welcome(null, null);
      scheduler.expect(Acquire.class);
      scheduler.sendBlock(block("t", 1), 1); // runs
      scheduler.sendBlock(block("t", 2), 1); // waits behind block 1
      await(firstRunning);
      scheduler.send(new Abandon(2, "given to another worker"));
      scheduler.send(new Abandon(1, "timed out"));
      scheduler.send(new Abandon(77, "never held")); // ignored

      scheduler.expect(Acquire.class);
      scheduler.expect(Acquire.class);
      scheduler.sendBlock(block("t", 3), 1);
      Release release = expectRelease(scheduler);
      assertEquals(3, release.blockId());
      ProcessKindsTest.finish(scheduler, worker);
    }
    assertEquals(List.of(1L, 3L), ran, "block 2 was dropped before it ran");
  }

  @Test
  void blockThatIgnoresItsAbandonMakesTheWorkerLeaveWithCode4() {
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    BlockFunction stubborn = b -> {
      running.countDown();
      while (never.getCount() > 0) {
        try {
          never.await();
        } catch (InterruptedException ignored) {
          // deliberately deaf to cancellation
        }
      }
    };
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t",
            WorkerOptions.defaults().withFunction(stubborn))) {
      scheduler.welcome(null, null);
      scheduler.expect(Acquire.class);
      scheduler.sendBlock(block("t", 1), 1);
      await(running);
      scheduler.send(new Abandon(1, "timed out"));
      // keep the worker's liveness up while it waits for the block to stop
      long until = System.nanoTime() + SessionLoop.ABANDON_GRACE.plusSeconds(5).toNanos();
      Goodbye goodbye = null;
      while (goodbye == null && System.nanoTime() < until) {
        var m = scheduler.receive(Duration.ofMillis(100));
        scheduler.send(new org.daisyjava.core.protocol.Message.Heartbeat());
        assertFalse(m instanceof Release, "an abandoned block is never released");
        if (m instanceof Goodbye g) {
          goodbye = g;
        }
      }
      assertTrue(goodbye != null && goodbye.reason().contains("would not stop"), "goodbye " + goodbye);
      assertEquals(WorkerExitCodes.CODE_FAILED, worker.awaitExit());
    } finally {
      never.countDown();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(FakeScheduler.PATIENCE.toSeconds(), TimeUnit.SECONDS), "the block never started");
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static long awaitPid(Path file) throws IOException, InterruptedException {
    long until = System.nanoTime() + FakeScheduler.PATIENCE.toNanos();
    while (System.nanoTime() < until) {
      if (Files.exists(file)) {
        String text = Files.readString(file).strip();
        if (!text.isEmpty()) {
          return Long.parseLong(text);
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the command never wrote " + file);
  }
}
