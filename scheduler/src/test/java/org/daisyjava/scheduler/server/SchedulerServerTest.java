package org.daisyjava.scheduler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.Roi;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.ServerSecurity;
import org.daisyjava.core.protocol.Message.Abandon;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.Assign;
import org.daisyjava.core.protocol.Message.NoMoreBlocks;
import org.daisyjava.core.protocol.Message.Refuse;
import org.daisyjava.core.protocol.Message.Release;
import org.daisyjava.core.protocol.Message.Welcome;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.core.Fit;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.scheduler.state.SchedulingState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SchedulerServerTest {
  private SchedulerServer server;

  static DependencyGraph graph() {
    return DependencyGraph.of(List.of(
        new TaskGeometry("a", Roi.of(new long[] {0, 0}, new long[] {100, 100}),
            Roi.of(new long[] {-5, -5}, new long[] {20, 20}), Roi.of(new long[] {0, 0}, new long[] {10, 10}),
            Fit.VALID, true, List.of()),
        new TaskGeometry("b", Roi.of(new long[] {0, 0}, new long[] {100, 100}),
            Roi.of(new long[] {0, 0}, new long[] {10, 10}), Roi.of(new long[] {0, 0}, new long[] {10, 10}),
            Fit.VALID, false, List.of("a"))));
  }

  SchedulerServer start(DependencyGraph g, Duration timeout, ServerSecurity security, DoneRecorder recorder,
      Duration heartbeat) {
    return start(g, timeout, security, recorder, heartbeat, () -> {});
  }

  SchedulerServer start(DependencyGraph g, Duration timeout, ServerSecurity security, DoneRecorder recorder,
      Duration heartbeat, Runnable whenFinished) {
    SchedulingState state = new SchedulingState(g, new int[] {2, 2}, null);
    List<TaskSettings> ts = new ArrayList<>();
    for (int t = 0; t < g.taskCount(); t++) {
      ts.add(new TaskSettings(BlockCode.of(BlockCode.Kind.COMMAND, "true"), timeout, null));
    }
    server = new SchedulerServer(state, new ServerSettings("127.0.0.1", 0, 0, heartbeat, 3,
        security == null ? ServerSecurity.PLAIN : security,
        "/runs/x", ts), recorder);
    server.whenFinished(whenFinished);
    server.start();
    return server;
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  /** Pulls blocks of {@code task} one at a time until no_more_blocks; returns their ids. */
  static List<Long> drain(RawWorker w, String task) {
    List<Long> ids = new ArrayList<>();
    while (true) {
      w.send(new Acquire());
      Message m = w.next();
      if (m instanceof NoMoreBlocks) {
        return ids;
      }
      Assign a = assertInstanceOf(Assign.class, m);
      assertEquals(task, a.block().task());
      ids.add(a.block().id());
      w.send(new Release(a.block().id(), true, null));
    }
  }

  @Test
  void welcomeCarriesTheTaskSettingsAndAllBlocksRunOnce() {
    DependencyGraph g = graph();
    start(g, null, null, null, Duration.ofMillis(200));
    try (RawWorker a = new RawWorker(server.port()); RawWorker b = new RawWorker(server.port())) {
      Welcome wa = a.hello("a");
      assertEquals(BlockCode.of(BlockCode.Kind.COMMAND, "true"), wa.process());
      assertEquals(200, wa.heartbeatMillis());
      assertEquals(3, wa.liveness());
      assertEquals("/runs/x", wa.runDir());
      Welcome wb = b.hello("b");
      assertTrue(wb.workerId() != wa.workerId());
      List<Long> ranA = drain(a, "a");
      assertEquals(g.grid(0).blockCount(), ranA.size());
      assertEquals(ranA.size(), new HashSet<>(ranA).size());
      List<Long> ranB = drain(b, "b");
      assertEquals(g.grid(1).blockCount(), ranB.size());
    }
    awaitFinished();
  }

  @Test
  void whoWaitsForTheEndIsToldOnceAndFindsItInTheSnapshot() throws Exception {
    AtomicInteger told = new AtomicInteger();
    AtomicBoolean snapshotFinished = new AtomicBoolean();
    CountDownLatch end = new CountDownLatch(1);
    DependencyGraph g = graph();
    start(g, null, null, null, Duration.ofMillis(200), () -> {
      told.incrementAndGet();
      snapshotFinished.set(server.snapshot().allFinished());
      end.countDown();
    });
    try (RawWorker a = new RawWorker(server.port()); RawWorker b = new RawWorker(server.port())) {
      a.hello("a");
      b.hello("b");
      drain(a, "a");
      assertEquals(0, told.get(), "task b is not finished yet");
      drain(b, "b");
      assertTrue(end.await(10, TimeUnit.SECONDS));
      // the loop goes on turning (housekeeping, the workers' heartbeats) without telling again
      a.send(new Acquire());
      assertInstanceOf(NoMoreBlocks.class, a.next());
    }
    server.close();
    assertEquals(1, told.get());
    assertTrue(snapshotFinished.get(), "the snapshot published before the call shows the end");
  }

  @Test
  void garbageIsLoggedAndDroppedAndTheRunCompletes() {
    start(graph(), null, null, null, Duration.ofMillis(200));
    try (RawWorker w = new RawWorker(server.port()); RawWorker stranger = new RawWorker(server.port())) {
      w.hello("a");
      w.sendRaw(new byte[] {0, 1, 2, (byte) 0xff});                     // not JSON
      w.sendRaw("{\"v\":2,\"type\":\"acquire\"}");                      // batched: not in a v1 session
      w.sendRaw("{\"v\":1,\"type\":\"steal_blocks\"}");                 // unknown type
      w.sendRaw("{\"v\":1,\"type\":\"release\",\"block_id\":\"x\"}");   // mistyped field
      w.sendRaw("[1,2,3]");                                             // not an object
      w.send(new Release(3, true, null));                              // a block it does not hold
      w.socket.sendMore("two".getBytes());                             // two frames
      w.socket.send("frames".getBytes(), 0);
      stranger.send(new Acquire());                                    // never said hello
      assertInstanceOf(Refuse.class, stranger.next());
      List<Long> ran = drain(w, "a");
      assertEquals(81, ran.size());
      // housekeeping publishes the snapshot (at most every 20 ms): the drops were counted before
      // the blocks ran, but a snapshot showing them may come after the last block
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (server.snapshot().droppedMessages() < 8 && System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      assertTrue(server.snapshot().droppedMessages() >= 8, "dropped " + server.snapshot().droppedMessages());
    }
    try (RawWorker w = new RawWorker(server.port())) {
      w.hello("b");
      assertEquals(100, drain(w, "b").size());
    }
    awaitFinished();
    assertEquals(81, server.snapshot().task("a").counts().completed());
  }

  @Test
  void aPortRangeIsTriedInOrderAndAFullRangeIsAClearError() throws Exception {
    DependencyGraph g = graph();
    List<TaskSettings> ts = List.of(TaskSettings.NONE, TaskSettings.NONE);
    int low = 20000 + new java.util.Random().nextInt(20000);
    try (java.net.ServerSocket taken = new java.net.ServerSocket()) {
      taken.bind(new java.net.InetSocketAddress("127.0.0.1", low));
      server = new SchedulerServer(new SchedulingState(g, new int[] {0, 0}, null),
          new ServerSettings("127.0.0.1", low, low + 5, Duration.ofSeconds(1), 3, ServerSecurity.PLAIN, null, ts), null);
      assertEquals(low + 1, server.start(), "the first free port of the range");
      try (RawWorker w = new RawWorker(server.port())) {
        w.hello("a");
      }
      SchedulerServer full = new SchedulerServer(new SchedulingState(g, new int[] {0, 0}, null),
          new ServerSettings("127.0.0.1", low, low, Duration.ofSeconds(1), 3, ServerSecurity.PLAIN, null, ts), null);
      IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
          IllegalStateException.class, full::start);
      assertTrue(e.getMessage().contains("no free port in " + low + "-" + low), e.getMessage());
      full.close();
    }
  }

  @Test
  void anUnknownTaskIsRefused() {
    start(graph(), null, null, null, Duration.ofMillis(200));
    try (RawWorker w = new RawWorker(server.port())) {
      w.send(new Message.Hello("nope", "x", "h", 1, null));
      assertTrue(w.next(Refuse.class).reason().contains("unknown task"));
      w.send(new Message.Hello("a", "x", "h", 1, null));
      w.next(Welcome.class);
    }
  }

  @Test
  void aSilentWorkerIsBuriedAndItsBlockGoesToAnother() throws Exception {
    start(graph(), null, null, null, Duration.ofMillis(100));
    try (RawWorker silent = new RawWorker(server.port())) {
      silent.hello("a");
      silent.send(new Acquire());
      long held = silent.next(Assign.class).block().id();
      // say nothing more: after 3 x 100 ms the scheduler buries it
      Thread.sleep(600);
      try (RawWorker other = new RawWorker(server.port())) {
        other.hello("a");
        List<Long> ran = drain(other, "a");
        assertTrue(ran.contains(held), "the lost block ran elsewhere");
        assertEquals(81, ran.size());
      }
    }
    awaitFinishedTask("a");
    assertEquals(1, server.snapshot().task("a").counts().retries());
    assertEquals(1, server.snapshot().task("a").workersLost());
  }

  @Test
  void aLeasePastTheTimeoutIsAbandonedAndRetried() throws Exception {
    start(graph(), Duration.ofMillis(300), null, null, Duration.ofMillis(100));
    try (RawWorker slow = new RawWorker(server.port())) {
      slow.hello("a");
      slow.send(new Acquire());
      Assign first = slow.next(Assign.class);
      // keep heartbeating but never release
      long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      Abandon abandon = null;
      while (abandon == null && System.nanoTime() < until) {
        slow.send(new Message.Heartbeat());
        slow.socket.setReceiveTimeOut(100);
        byte[] f = slow.socket.recv(0);
        if (f != null) {
          Message m = org.daisyjava.core.protocol.MessageCodec.decode(f);
          if (m instanceof Abandon a) {
            abandon = a;
          }
        }
      }
      assertTrue(abandon != null, "no abandon within 5 s");
      assertEquals(first.block().id(), abandon.blockId());
      assertTrue(abandon.reason().contains("timed out after 300ms"), abandon.reason());
      slow.socket.setReceiveTimeOut(10_000);
      // a late release of the abandoned block is dropped
      slow.send(new Release(first.block().id(), true, null));
      slow.send(new Acquire());
      Assign again = slow.next(Assign.class);
      assertEquals(first.block().id(), again.block().id(), "the retry comes first");
      assertEquals(2, again.attempt());
    }
  }

  @Test
  void aBlockCountsOnlyOnceItsRecordIsDurable() throws Exception {
    AtomicLong seq = new AtomicLong();
    List<long[]> records = new ArrayList<>();
    DoneRecorder recorder = new DoneRecorder() {
      @Override
      public synchronized long record(int task, long blockId, boolean skipped) {
        records.add(new long[] {task, blockId});
        return seq.incrementAndGet();
      }

      @Override
      public void flush() {
        server.durable(seq.get());
      }
    };
    start(graph(), null, null, recorder, Duration.ofMillis(200));
    try (RawWorker w = new RawWorker(server.port())) {
      w.hello("a");
      w.send(new Acquire());
      Assign a = w.next(Assign.class);
      w.send(new Release(a.block().id(), true, null));
      Thread.sleep(200);
      assertEquals(0, server.snapshot().task("a").counts().completed(), "not durable yet");
      assertEquals(1, records.size());
      server.durable(1);
      long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (server.snapshot().task("a").counts().completed() == 0 && System.nanoTime() < until) {
        Thread.sleep(10);
      }
      assertEquals(1, server.snapshot().task("a").counts().completed());
    }
  }

  @Test
  void failedReleasesAreRetriedThenFailForGood() {
    start(graph(), null, null, null, Duration.ofMillis(200));
    try (RawWorker w = new RawWorker(server.port())) {
      w.hello("a");
      w.send(new Acquire());
      long id = w.next(Assign.class).block().id();
      for (int attempt = 1; attempt <= 3; attempt++) {
        w.send(new Release(id, false, "exit code 1"));
        if (attempt < 3) {
          w.send(new Acquire());
          Assign again = w.next(Assign.class);
          assertEquals(id, again.block().id());
          assertEquals(attempt + 1, again.attempt());
        }
      }
      Set<Long> rest = new HashSet<>(drain(w, "a"));
      assertFalse(rest.contains(id));
    }
    awaitFinishedTask("a");
    assertEquals(1, server.snapshot().task("a").counts().failed());
    assertEquals("exit code 1", server.snapshot().failures().get(0).error());
    assertTrue(server.snapshot().failures().get(0).source().startsWith("worker "));
  }

  @Test
  void afterBeginShutdownCutOffBlocksAreNeitherFailuresNorRetriesAndNothingIsHandedOut() throws Exception {
    start(graph(), null, null, null, Duration.ofMillis(200));
    try (RawWorker w = new RawWorker(server.port())) {
      w.hello("a");
      long[] held = new long[3];
      for (int i = 0; i < held.length; i++) {
        w.send(new Acquire());
        held[i] = w.next(Assign.class).block().id();
      }
      server.beginShutdown();
      w.send(new Acquire());
      w.send(new Release(held[0], true, null));                      // finished: still recorded
      w.send(new Release(held[1], false, "command exited with code 143")); // killed by the stop
      w.socket.setReceiveTimeOut(10_000);
      Message answer;
      do {
        byte[] frame = w.socket.recv(0);
        assertTrue(frame != null, "no answer to the acquire within 10 s");
        answer = org.daisyjava.core.protocol.MessageCodec.decode(frame);
      } while (answer instanceof Message.Heartbeat);
      assertInstanceOf(Message.Wait.class, answer, "a block was handed out during the shutdown");
      w.send(new Message.Goodbye("stopped"));                         // leaves holding held[2]
    }
    // the snapshot is published by housekeeping: until one shows the release, it may still be
    // the one from before the hello (no workers, nothing done)
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while ((server.snapshot().task("a").workers() > 0 || server.snapshot().task("a").counts().completed() == 0)
        && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    var counts = server.snapshot().task("a").counts();
    assertEquals(0, server.snapshot().task("a").workers(), "the goodbye was not handled");
    assertEquals(1, counts.completed());
    assertEquals(0, counts.failed());
    assertEquals(0, counts.retries());
    assertEquals(List.of(), server.snapshot().failures());
  }

  private void awaitFinished() {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!server.snapshot().allFinished() && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    assertTrue(server.snapshot().allFinished());
  }

  @Test
  void aFatalGoodbyeFailsTheWholeTaskAtOnceAndOrphansItsDownstream() {
    start(graph(), null, null, null, Duration.ofMillis(200));
    try (RawWorker w = new RawWorker(server.port()); RawWorker other = new RawWorker(server.port())) {
      w.hello("a");
      w.send(new Acquire());
      long id = w.next(Assign.class).block().id();
      w.send(new Release(id, false, "command exited with code 127 (command not found)"));
      w.send(new Message.Goodbye("command not found: no block of this task can run", true));
      awaitFinishedTask("a");
      awaitFinishedTask("b");
      other.hello("a");
      other.send(new Acquire());
      assertInstanceOf(NoMoreBlocks.class, other.next(), "nothing of a given-up task is handed out");
    }
    var a = server.snapshot().task("a");
    assertEquals(0, a.counts().completed());
    assertEquals(a.counts().total(), a.counts().failed());
    assertEquals(server.snapshot().task("b").counts().total(),
        server.snapshot().task("b").counts().orphaned());
    assertTrue(a.abandonReason().contains("command not found"), a.abandonReason());
    assertTrue(server.snapshot().failures().stream().anyMatch(f -> f.blockId() < 0
        && f.error().contains("its code cannot run on any worker") && f.source().startsWith("worker ")),
        server.snapshot().failures().toString());
  }

  @Test
  void anOrdinaryGoodbyeDoesNotFailTheTask() {
    start(graph(), null, null, null, Duration.ofMillis(200));
    try (RawWorker w = new RawWorker(server.port())) {
      w.hello("a");
      w.send(new Message.Goodbye("stopped"));
    }
    try (RawWorker w = new RawWorker(server.port())) {
      w.hello("a");
      assertFalse(drain(w, "a").isEmpty());
    }
    assertEquals(null, server.snapshot().task("a").abandonReason());
  }

  private void awaitFinishedTask(String task) {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!server.snapshot().task(task).counts().finished() && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    assertTrue(server.snapshot().task(task).counts().finished());
  }
}
