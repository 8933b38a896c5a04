package org.daisyjava.worker;

import static org.daisyjava.worker.FakeScheduler.block;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.daisyjava.core.Block;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.BlockCode.Kind;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.Goodbye;
import org.daisyjava.core.protocol.Message.NoMoreBlocks;
import org.daisyjava.core.protocol.Message.Release;
import org.junit.jupiter.api.Test;

/** How a worker leaves: when the task is done, and when it is told to stop. */
class LeavingTest {
  @Test
  void noMoreBlocksFinishesHeldBlocksReleasesThemSaysGoodbyeThenTearsDown() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch mayFinish = new CountDownLatch(1);
    List<String> calls = new CopyOnWriteArrayList<>();
    BlockFunction function = new BlockFunction() {
      @Override
      public void setup(WorkerContext context) {
        calls.add("setup " + context.task());
      }

      @Override
      public void process(Block block) throws InterruptedException {
        calls.add("process " + block.id());
        running.countDown();
        mayFinish.await();
      }

      @Override
      public void teardown() {
        calls.add("teardown");
      }
    };
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t",
            WorkerOptions.defaults().withFunction(function))) {
      scheduler.welcome(null, null);
      scheduler.expect(Acquire.class);
      scheduler.sendBlock(block("t", 4), 1);
      scheduler.expect(Acquire.class);
      assertTrue(running.await(10, TimeUnit.SECONDS));
      scheduler.send(new NoMoreBlocks());
      scheduler.send(new NoMoreBlocks());
      assertEquals(null, scheduler.nextWithin(java.time.Duration.ofMillis(200)),
          "nothing before the held block is done");
      assertTrue(!calls.contains("teardown"));

      mayFinish.countDown();
      Release release = scheduler.expect(Release.class);
      assertEquals(4, release.blockId());
      assertEquals("no more blocks", scheduler.expect(Goodbye.class).reason());
      assertEquals(WorkerExitCodes.FINISHED, worker.awaitExit());
    }
    assertEquals(List.of("setup t", "process 4", "teardown"), calls);
  }

  @Test
  void stopKillsTheRunningCommandSaysGoodbyeAndReturnsStopped() throws Exception {
    BlockCode command = BlockCode.of(Kind.COMMAND, "sleep 100");
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults())) {
      scheduler.welcome(command, null);
      scheduler.expect(Acquire.class);
      scheduler.sendBlock(block("t", 1), 1);
      scheduler.expect(Acquire.class);
      ProcessHandle sleep = awaitChild("sleep");

      worker.worker().stop();
      Message m = scheduler.next();
      assertTrue(m instanceof Goodbye g && g.reason().equals("stopped"), "got " + m);
      assertEquals(WorkerExitCodes.STOPPED, worker.awaitExit());
      awaitGone(sleep.pid());
    }
  }

  @Test
  void interruptingTheWorkersThreadStopsItLikeStopAndKeepsTheInterrupt() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t",
            WorkerOptions.defaults().withFunction(b -> {
              running.countDown();
              Thread.sleep(100_000);
            }))) {
      scheduler.welcome(null, null);
      scheduler.expect(Acquire.class);
      scheduler.sendBlock(block("t", 1), 1);
      assertTrue(running.await(10, TimeUnit.SECONDS));
      worker.interrupt();
      Message m = scheduler.next();
      while (m instanceof Acquire) {
        m = scheduler.next();
      }
      assertTrue(m instanceof Goodbye g && g.reason().equals("stopped"), "got " + m);
      assertEquals(WorkerExitCodes.STOPPED, worker.awaitExit());
      assertTrue(worker.interruptedAfterRun(), "the caller gets its interrupt back");
    }
  }

  @Test
  void aWorkerRunsOnce() {
    AtomicInteger runs = new AtomicInteger();
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t",
            WorkerOptions.defaults().withFunction(b -> runs.incrementAndGet()))) {
      scheduler.welcome(null, null);
      scheduler.expect(Acquire.class);
      ProcessKindsTest.finish(scheduler, worker);
      org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, worker.worker()::run);
    }
  }

  /**
   * Waits until process {@code pid} has ended. A dead grandchild stays a zombie until init reaps
   * it, which here takes a second or so; a zombie counts as ended.
   */
  static void awaitGone(long pid) throws InterruptedException {
    long until = System.nanoTime() + FakeScheduler.PATIENCE.toNanos();
    while (System.nanoTime() < until) {
      if (!isRunning(pid)) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("process " + pid + " is still running");
  }

  private static boolean isRunning(long pid) {
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
      // the state follows the command name, which is in parentheses and may contain spaces
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (java.io.IOException e) {
      return false; // no such process any more
    }
  }

  /** A descendant of this JVM running {@code command}, waited for. */
  static ProcessHandle awaitChild(String command) throws InterruptedException {
    long until = System.nanoTime() + FakeScheduler.PATIENCE.toNanos();
    while (System.nanoTime() < until) {
      var found = ProcessHandle.current().descendants()
          .filter(p -> p.info().command().map(c -> c.endsWith("/" + command)).orElse(false))
          .findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no child process " + command + " appeared");
  }
}
