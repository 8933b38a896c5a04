package org.daisyjava.scheduler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.daisyjava.core.Roi;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.Assign;
import org.daisyjava.core.protocol.Message.Heartbeat;
import org.daisyjava.core.protocol.Message.Hello;
import org.daisyjava.core.protocol.Message.Release;
import org.daisyjava.core.protocol.Message.Welcome;
import org.daisyjava.core.protocol.MessageCodec;
import org.daisyjava.core.protocol.ServerSecurity;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.core.Fit;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.scheduler.state.SchedulingState;
import org.junit.jupiter.api.Test;

/** The protocol engine without sockets: the limits a peer is held to, and checks off the loop. */
class ProtocolEngineTest {
  private static final byte[] PEER = "peer-1".getBytes(StandardCharsets.UTF_8);
  private final List<Message> sent = new ArrayList<>();
  private final ArrayDeque<Runnable> checkPool = new ArrayDeque<>();
  private final ArrayDeque<Runnable> posted = new ArrayDeque<>();

  private ProtocolEngine engine(int blocks, BlockChecker checker) {
    DependencyGraph graph = DependencyGraph.of(List.of(new TaskGeometry("a",
        Roi.of(new long[] {0}, new long[] {blocks * 10L}), Roi.of(new long[] {0}, new long[] {10}),
        Roi.of(new long[] {0}, new long[] {10}), Fit.VALID, false, List.of())));
    ServerSettings settings = new ServerSettings("127.0.0.1", 0, 0, Duration.ofMillis(100), 5,
        ServerSecurity.PLAIN, null, List.of(new TaskSettings(null, null, checker)));
    return new ProtocolEngine(new SchedulingState(graph, new int[] {0}, null), settings, null,
        (id, m) -> sent.add(m), checkPool::add, posted::add);
  }

  private static void feed(ProtocolEngine e, Message m) {
    e.onFrames(PEER, MessageCodec.encode(m), 0, System.nanoTime());
  }

  private long count(Class<? extends Message> type) {
    return sent.stream().filter(type::isInstance).count();
  }

  @Test
  void aReleaseAskingForAThousandBlocksGetsAtMostTheLimit() {
    ProtocolEngine e = engine(5000, null);
    feed(e, new Hello("a", "w", "h", 1, null));
    assertInstanceOf(Welcome.class, sent.get(0));
    feed(e, new Acquire());
    Assign first = assertInstanceOf(Assign.class, sent.get(1));
    feed(e, new Release(first.block().id(), true, null, 1000));
    feed(e, new Acquire()); // over the limit too
    System.out.printf("release with acquire 1000: %d blocks handed out (limit %d), %d dropped%n",
        count(Assign.class) - 1, ProtocolEngine.MAX_OUTSTANDING,
        e.snapshot(0, false, 0).peers().droppedMessages());
    assertEquals(1 + ProtocolEngine.MAX_OUTSTANDING, count(Assign.class));
    assertTrue(e.snapshot(0, false, 0).peers().droppedMessages() >= 1000 - ProtocolEngine.MAX_OUTSTANDING);
  }

  @Test
  void aPeerThatSpendsItsErrorBudgetIsIgnoredAndItsBlocksGoBack() {
    ProtocolEngine e = engine(100, null);
    feed(e, new Hello("a", "w", "h", 1, null));
    feed(e, new Acquire());
    assertEquals(1, count(Assign.class));
    for (int i = 0; i < ProtocolEngine.ERROR_BUDGET; i++) {
      e.onFrames(PEER, ("garbage " + i).getBytes(StandardCharsets.UTF_8), 0, System.nanoTime());
    }
    int before = sent.size();
    feed(e, new Hello("a", "w", "h", 1, null));
    feed(e, new Acquire());
    ServerSnapshot snap = e.snapshot(0, false, 0);
    assertEquals(before, sent.size(), "an ignored peer got an answer");
    assertEquals(1, snap.peers().ignoredPeers());
    assertEquals(0, snap.tasks().get(0).workers());
    assertEquals(1, snap.tasks().get(0).workersLost(), "its session was buried");
    assertTrue(snap.tasks().get(0).hasReady(), "its block went back to the queue");
  }

  @Test
  void peerTextIsEscapedAndCutBeforeItIsStoredOrLogged() {
    ProtocolEngine e = engine(10, null);
    feed(e, new Hello("a", "evil\nINFO: forged line " + "x".repeat(1_000_000), "h", 1, "job\r\n"));
    feed(e, new Acquire());
    Assign a = assertInstanceOf(Assign.class, sent.get(1));
    feed(e, new Release(a.block().id(), false, "boom", 0));
    String source = e.state().failures().get(0).source();
    assertFalse(source.contains("\n"), source);
    assertTrue(source.length() < 600, "source of " + source.length() + " characters");
    assertTrue(source.contains("evil\\nINFO"), source);
  }

  @Test
  void checksRunOffTheLoopAndDoNotHoldUpHeartbeats() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    ProtocolEngine e = engine(4, block -> {
      checks.incrementAndGet();
      return block.id() % 2 == 0; // even blocks are already done
    });
    feed(e, new Hello("a", "w", "h", 1, null));
    feed(e, new Acquire());
    feed(e, new Acquire());
    e.serveWaiting(System.nanoTime());
    assertEquals(0, count(Assign.class), "nothing handed out before its check ran");
    assertEquals(0, checks.get(), "the check ran on the loop thread");
    // the loop keeps heartbeating while the checks are still queued on the pool
    Thread.sleep(150);
    feed(e, new Message.Heartbeat());
    e.housekeeping(System.nanoTime());
    assertTrue(count(Heartbeat.class) >= 1);
    while (!checkPool.isEmpty() || !posted.isEmpty()) {
      while (!checkPool.isEmpty()) {
        checkPool.poll().run();
      }
      while (!posted.isEmpty()) {
        posted.poll().run();
      }
      e.serveWaiting(System.nanoTime());
    }
    assertEquals(2, count(Assign.class), "the two blocks whose check said 'not done'");
    for (Message m : sent) {
      if (m instanceof Assign a) {
        assertEquals(1, a.block().id() % 2, "a done block was handed out");
      }
    }
    assertEquals(2, e.state().counts(0).skipped());
  }

  @Test
  void aStallOfTheSchedulerItselfIsNotCountedAsAWorkersSilence() {
    ProtocolEngine e = engine(10, null);
    long t0 = System.nanoTime();
    e.onFrames(PEER, MessageCodec.encode(new Hello("a", "w", "h", 1, null)), 0, t0);
    e.housekeeping(t0 + 20_000_000L);
    // the loop did not run for 10 s (dead-after is 500 ms): the worker is not blamed for it
    long afterStall = t0 + 10_000_000_000L;
    e.housekeeping(afterStall);
    assertEquals(1, e.snapshot(0, false, 0).tasks().get(0).workers(), "buried for the scheduler's stall");
    // but real silence while the loop runs normally still buries it
    long t = afterStall;
    for (int i = 0; i < 40; i++) {
      t += 20_000_000L;
      e.housekeeping(t);
    }
    ServerSnapshot snap = e.snapshot(0, false, 0);
    System.out.printf("stall of 10 s excused; then %d ms of real silence: workers %d, lost %d%n",
        (t - afterStall) / 1_000_000, snap.tasks().get(0).workers(), snap.tasks().get(0).workersLost());
    assertEquals(0, snap.tasks().get(0).workers());
    assertEquals(1, snap.tasks().get(0).workersLost());
  }

  /**
   * A worker that asks for an id (the local backend's number, which its log files carry) gets
   * it, in whatever order the hellos arrive; an id given already, or passed by the counter, is
   * not given twice; workers that ask nothing get counter ids that skip the requested ones.
   */
  @Test
  void requestedWorkerIdsAreGivenOnceAndTheCounterSkipsThem() {
    ProtocolEngine e = engine(10, null);
    long[] asked = {2, 1, 0, 2, 0, 5, 0, 0, 3};
    List<Long> got = new ArrayList<>();
    for (int i = 0; i < asked.length; i++) {
      byte[] peer = ("peer-" + i).getBytes(StandardCharsets.UTF_8);
      e.onFrames(peer, MessageCodec.encode(new Hello("a", "w" + i, "h", 100 + i, null, null, 1, asked[i])), 0,
          System.nanoTime());
      got.add(assertInstanceOf(Welcome.class, sent.get(sent.size() - 1)).workerId());
    }
    // 2 and 1 as asked, in that order; the counter skips them (3); a second 2 gets the counter's
    // 4; so does a 5 once the counter has given 5 itself, and a 3 that it passed long ago
    assertEquals(List.of(2L, 1L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), got);
    // asked early enough, 5 is honoured and the counter steps over it
    sent.clear();
    ProtocolEngine f = engine(10, null);
    long[] early = {5, 0, 0, 0, 0};
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < early.length; i++) {
      byte[] peer = ("peer-" + i).getBytes(StandardCharsets.UTF_8);
      f.onFrames(peer, MessageCodec.encode(new Hello("a", "w" + i, "h", 100 + i, null, null, 1, early[i])), 0,
          System.nanoTime());
      ids.add(assertInstanceOf(Welcome.class, sent.get(sent.size() - 1)).workerId());
    }
    assertEquals(List.of(5L, 1L, 2L, 3L, 4L), ids);
  }
}
