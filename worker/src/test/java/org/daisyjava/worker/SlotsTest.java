package org.daisyjava.worker;

import static org.daisyjava.worker.FakeScheduler.block;
import static org.daisyjava.worker.ProcessKindsTest.expectRelease;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.BlockCode.Kind;
import org.daisyjava.core.protocol.Message.Abandon;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.Hello;
import org.daisyjava.core.protocol.Message.Release;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker with N slots runs N blocks at once on one connection: each kind of code, each block
 * exactly once, an abandon stops only its own slot's block. Concurrency is proven by blocks that
 * cannot finish until all N run (a barrier, marker files), never by timing.
 */
class SlotsTest {
  private static final int SLOTS = 4;
  @TempDir Path runDir;

  /** Welcomes a worker, checks its hello says its slots, hands it {@code ids}; returns the hello. */
  private static Hello start(FakeScheduler scheduler, BlockCode code, String runDir, long... ids) {
    Hello hello = scheduler.welcome(1, code, 200, 25, runDir);
    for (long ignored : ids) {
      scheduler.expect(Acquire.class); // one per slot at least, before any block is there
    }
    for (long id : ids) {
      scheduler.sendBlock(block("t", id), 1);
    }
    return hello;
  }

  /** Collects one release per id; each must succeed and come once. */
  private static void expectSuccesses(FakeScheduler scheduler, long... ids) {
    Set<Long> released = new HashSet<>();
    for (int i = 0; i < ids.length; i++) {
      Release release = expectRelease(scheduler);
      assertTrue(release.success(), "release " + release);
      assertTrue(released.add(release.blockId()), "block " + release.blockId() + " released twice");
    }
    assertEquals(toSet(ids), released);
  }

  private static Set<Long> toSet(long... ids) {
    Set<Long> set = new TreeSet<>();
    for (long id : ids) {
      set.add(id);
    }
    return set;
  }

  private Set<String> files(String prefix) throws IOException {
    try (Stream<Path> files = Files.list(runDir)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(prefix))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  @Test
  void fourSlotsRunFourFunctionBlocksAtOnceEachExactlyOnce() {
    CyclicBarrier allFour = new CyclicBarrier(SLOTS);
    List<Long> ran = new CopyOnWriteArrayList<>();
    Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    BlockFunction meet = b -> {
      ran.add(b.id());
      threads.add(Thread.currentThread().getName());
      allFour.await(60, TimeUnit.SECONDS); // only returns when four blocks run at the same time
    };
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t",
            WorkerOptions.defaults().withFunction(meet).withSlots(SLOTS))) {
      Hello hello = start(scheduler, null, null, 1, 2, 3, 4);
      assertEquals(SLOTS, hello.slots());
      expectSuccesses(scheduler, 1, 2, 3, 4);
      ProcessKindsTest.finish(scheduler, worker);
    }
    assertEquals(List.of(1L, 2L, 3L, 4L), ran.stream().sorted().toList(), "each block ran once");
    assertEquals(SLOTS, threads.size(), "one runner thread per slot: " + threads);
  }

  @Test
  void aClassGetsOneInstancePerSlotEachWithItsOwnSetupAndTeardown() throws IOException {
    BlockCode code = new BlockCode(Kind.CLASS, SlotRecordingFunction.class.getName(),
        Map.of(BlockCode.ARG_PREFIX + "together", Integer.toString(SLOTS)));
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t",
            WorkerOptions.defaults().withSlots(SLOTS))) {
      start(scheduler, code, runDir.toString(), 1, 2, 3, 4);
      expectSuccesses(scheduler, 1, 2, 3, 4);
      ProcessKindsTest.finish(scheduler, worker);
    }
    Set<String> setups = files("setup-");
    assertEquals(SLOTS, setups.size(), "setups " + setups);
    assertEquals(Set.of("0", "1", "2", "3"),
        setups.stream().map(n -> n.split("-")[1]).collect(Collectors.toSet()), "one setup per slot");
    assertEquals(SLOTS, setups.stream().map(n -> n.split("-")[2]).distinct().count(),
        "one instance per slot");
    assertEquals(Set.of("teardown-0", "teardown-1", "teardown-2", "teardown-3"), files("teardown-"));
    assertEquals(Set.of("0", "1", "2", "3"), slotsOf(files("run-")), "each slot ran one block");
  }

  private static Set<String> slotsOf(Set<String> runMarkers) {
    return runMarkers.stream().map(n -> n.substring(n.lastIndexOf('-') + 1)).collect(Collectors.toSet());
  }

  /** Waits (60 s at most) until {@code n} run markers exist; a command of this shell text. */
  private static String untilRunning(int n) {
    return "i=0; while [ $(ls \"$DAISY_RUN_DIR\" | grep -c '^run-') -lt " + n + " ]; do sleep 0.02; "
        + "i=$((i+1)); if [ $i -gt 3000 ]; then exit 9; fi; done";
  }

  @Test
  void fourSlotsRunFourCommandProcessesAtOnceWithTheirSlotInTheEnvironment() throws IOException {
    BlockCode command = BlockCode.of(Kind.COMMAND,
        "touch \"$DAISY_RUN_DIR/run-$DAISY_BLOCK_ID-$DAISY_SLOT\"; " + untilRunning(SLOTS));
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t",
            WorkerOptions.defaults().withSlots(SLOTS))) {
      start(scheduler, command, runDir.toString(), 11, 12, 13, 14);
      expectSuccesses(scheduler, 11, 12, 13, 14);
      ProcessKindsTest.finish(scheduler, worker);
    }
    Set<String> runs = files("run-");
    assertEquals(SLOTS, runs.size(), "runs " + runs);
    assertEquals(Set.of("0", "1", "2", "3"), slotsOf(runs), "DAISY_SLOT 0..3, one block each");
  }

  @Test
  void fourSlotsStartFourStreamProcessesThatServeAtOnce() throws IOException {
    // each process records its slot and pid when it starts, then answers a block only once four
    // blocks are being served at the same time
    String script = String.join("\n",
        "import json, os, sys, time",
        "d = os.environ['DAISY_RUN_DIR']",
        "open(os.path.join(d, 'stream-%s-%d' % (os.environ['DAISY_SLOT'], os.getpid())), 'w').close()",
        "for line in sys.stdin:",
        "    b = json.loads(line)['block_id']",
        "    open(os.path.join(d, 'run-%d-%s' % (b, os.environ['DAISY_SLOT'])), 'w').close()",
        "    for _ in range(6000):",
        "        if len([f for f in os.listdir(d) if f.startswith('run-')]) >= " + SLOTS + ": break",
        "        time.sleep(0.01)",
        "    print(json.dumps({'block_id': b, 'status': 'success'}), flush=True)");
    Files.writeString(runDir.resolve("serve.py"), script);
    BlockCode stream = BlockCode.of(Kind.STREAM, "python3 \"$DAISY_RUN_DIR/serve.py\"");
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t",
            WorkerOptions.defaults().withSlots(SLOTS))) {
      start(scheduler, stream, runDir.toString(), 1, 2, 3, 4);
      expectSuccesses(scheduler, 1, 2, 3, 4);
      ProcessKindsTest.finish(scheduler, worker);
    }
    Set<String> processes = files("stream-");
    assertEquals(SLOTS, processes.size(), "one stream process per slot: " + processes);
    assertEquals(Set.of("0", "1", "2", "3"),
        processes.stream().map(n -> n.split("-")[1]).collect(Collectors.toSet()));
    assertEquals(Set.of("0", "1", "2", "3"), slotsOf(files("run-")));
  }

  @Test
  void anAbandonStopsOnlyTheBlockOfItsSlot() throws InterruptedException {
    CountDownLatch bothRunning = new CountDownLatch(2);
    CountDownLatch letTwoFinish = new CountDownLatch(1);
    CountDownLatch oneInterrupted = new CountDownLatch(1);
    List<Long> interrupted = new CopyOnWriteArrayList<>();
    BlockFunction twoLong = b -> {
      bothRunning.countDown();
      try {
        if (b.id() == 1) {
          Thread.sleep(100_000); // until the abandon interrupts it
        } else {
          letTwoFinish.await();
        }
      } catch (InterruptedException e) {
        interrupted.add(b.id());
        if (b.id() == 1) {
          oneInterrupted.countDown();
        }
        throw e;
      }
    };
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t",
            WorkerOptions.defaults().withFunction(twoLong).withSlots(2))) {
      start(scheduler, null, null, 1, 2);
      assertTrue(bothRunning.await(60, TimeUnit.SECONDS), "both blocks run at once");
      scheduler.send(new Abandon(1, "timed out"));
      assertTrue(oneInterrupted.await(60, TimeUnit.SECONDS), "block 1 is stopped");
      assertEquals(List.of(1L), interrupted, "block 2 in the other slot runs on");
      letTwoFinish.countDown();
      Release release = expectRelease(scheduler);
      assertEquals(2, release.blockId(), "block 1 is never released");
      assertTrue(release.success());
      ProcessKindsTest.finish(scheduler, worker);
    }
    assertEquals(List.of(1L), interrupted);
  }

  @Test
  void slotsOutsideOneToSixtyFourAreRefused() {
    assertEquals(64, WorkerOptions.MAX_SLOTS);
    for (int bad : new int[] {0, -1, 65}) {
      assertFalse(ok(() -> WorkerOptions.defaults().withSlots(bad)), "slots " + bad);
    }
    assertTrue(ok(() -> WorkerOptions.defaults().withSlots(64)));
  }

  private static boolean ok(Runnable r) {
    try {
      r.run();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
