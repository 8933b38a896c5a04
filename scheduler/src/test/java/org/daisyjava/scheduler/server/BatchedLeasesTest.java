package org.daisyjava.scheduler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.daisyjava.core.Fit;
import org.daisyjava.core.Roi;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.Message.Abandon;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.AcquireBatch;
import org.daisyjava.core.protocol.Message.Assign;
import org.daisyjava.core.protocol.Message.AssignBatch;
import org.daisyjava.core.protocol.Message.Hello;
import org.daisyjava.core.protocol.Message.NoMoreBlocks;
import org.daisyjava.core.protocol.Message.Outcome;
import org.daisyjava.core.protocol.Message.Release;
import org.daisyjava.core.protocol.Message.ReleaseBatch;
import org.daisyjava.core.protocol.Message.Wait;
import org.daisyjava.core.protocol.Message.Welcome;
import org.daisyjava.core.protocol.MessageCodec;
import org.daisyjava.core.protocol.ProtocolVersion;
import org.daisyjava.core.protocol.ServerSecurity;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.scheduler.state.SchedulingState;
import org.junit.jupiter.api.Test;

/**
 * Protocol version 2 in the engine, beside version 1 in the same run: a version-2 worker gets the
 * blocks ready for it in one message and releases several in one; a version-1 worker gets one
 * block per message as before; leases, their clocks, the cap and the no_more_blocks stay per
 * block or per request. Time is handed to the engine by the test.
 */
class BatchedLeasesTest {
  private static final byte[] NEW = "worker-v2".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OLD = "worker-v1".getBytes(StandardCharsets.UTF_8);
  private static final long S = 1_000_000_000L;
  /** Messages sent, by peer. */
  private final Map<String, List<Message>> sent = new LinkedHashMap<>();

  /**
   * One 1-D task of {@code blocks} blocks; with {@code conflicts}, each block reads its
   * neighbours' write ROIs, so the even blocks run first and the odd ones only after them.
   */
  private ProtocolEngine engine(int blocks, boolean conflicts, Duration timeout) {
    Roi read = conflicts ? Roi.of(new long[] {-10}, new long[] {30}) : Roi.of(new long[] {0}, new long[] {10});
    long margin = conflicts ? 10 : 0;
    DependencyGraph graph = DependencyGraph.of(List.of(new TaskGeometry("a",
        Roi.of(new long[] {-margin}, new long[] {blocks * 10L + 2 * margin}), read,
        Roi.of(new long[] {0}, new long[] {10}), Fit.VALID, conflicts, List.of())));
    ServerSettings settings = new ServerSettings("127.0.0.1", 0, 0, Duration.ofHours(1), 5,
        ServerSecurity.PLAIN, null, List.of(new TaskSettings(null, timeout, null)));
    return new ProtocolEngine(new SchedulingState(graph, new int[] {0}, null), settings, null,
        (id, m) -> sent.computeIfAbsent(new String(id, StandardCharsets.UTF_8), k -> new ArrayList<>()).add(m),
        r -> {}, r -> {});
  }

  private static void feed(ProtocolEngine e, byte[] peer, Message m, long now) {
    e.onFrames(peer, MessageCodec.encode(m), 0, now);
  }

  private List<Message> to(byte[] peer) {
    return sent.getOrDefault(new String(peer, StandardCharsets.UTF_8), List.of());
  }

  private static Hello hello(ProtocolVersion newest, int slots) {
    return new Hello("a", "w", "h", 1, null, null, slots, 0, newest);
  }

  private static List<Long> ids(AssignBatch b) {
    return b.blocks().stream().map(a -> a.block().id()).toList();
  }

  private static ReleaseBatch releaseAll(List<Long> ids, int acquire) {
    return new ReleaseBatch(ids.stream().map(id -> new Outcome(id, true, null)).toList(), acquire);
  }

  @Test
  void aVersionTwoWorkerGetsBatchesAndAVersionOneWorkerSingleBlocksInTheSameRun() {
    ProtocolEngine e = engine(100, false, null);
    feed(e, NEW, hello(ProtocolVersion.V2, 1), 1);
    feed(e, OLD, hello(ProtocolVersion.V1, 1), 1);
    assertEquals(ProtocolVersion.V2, assertInstanceOf(Welcome.class, to(NEW).get(0)).sessionVersion());
    assertEquals(ProtocolVersion.V1, assertInstanceOf(Welcome.class, to(OLD).get(0)).sessionVersion());

    feed(e, NEW, new AcquireBatch(8), 2);
    for (int i = 0; i < 8; i++) {
      feed(e, OLD, new Acquire(), 2);
    }
    assertEquals(2, to(NEW).size(), "one message for eight blocks: " + to(NEW));
    List<Long> batch = ids(assertInstanceOf(AssignBatch.class, to(NEW).get(1)));
    assertEquals(8, batch.size());
    List<Message> old = List.copyOf(to(OLD).subList(1, to(OLD).size()));
    assertEquals(8, old.size());
    old.forEach(m -> assertInstanceOf(Assign.class, m));

    // eight released in one message, eight more asked for: one answer
    feed(e, NEW, releaseAll(batch, 8), 3);
    assertEquals(3, to(NEW).size());
    List<Long> second = ids(assertInstanceOf(AssignBatch.class, to(NEW).get(2)));
    assertEquals(8, second.size());
    assertEquals(8, e.state().counts(0).completed());
    for (Message m : old) {
      feed(e, OLD, new Release(((Assign) m).block().id(), true, null, 1), 3);
    }
    assertEquals(1 + 16, to(OLD).size());
    to(OLD).subList(1, 17).forEach(m -> assertInstanceOf(Assign.class, m));
    assertEquals(16, e.state().counts(0).completed());
    Set<Long> all = new HashSet<>(batch);
    all.addAll(second);
    to(OLD).stream().filter(Assign.class::isInstance).forEach(m -> all.add(((Assign) m).block().id()));
    assertEquals(32, all.size(), "a block handed out twice");
  }

  /**
   * What is not ready stays queued exactly like that many acquires: the even blocks first (all
   * ready), the odd ones in one message when the even ones are done; one no_more_blocks for all
   * requests left at the end, where a version-1 worker gets one per acquire.
   */
  @Test
  void theRestOfARequestWaitsAndIsAnsweredInOneMessageWhenReady() {
    ProtocolEngine e = engine(10, true, null);
    feed(e, NEW, hello(ProtocolVersion.V2, 1), 1);
    feed(e, OLD, hello(ProtocolVersion.V1, 1), 1);
    feed(e, OLD, new Acquire(), 1);
    feed(e, OLD, new Acquire(), 1);
    feed(e, NEW, new AcquireBatch(20), 2);
    List<Long> first = ids(assertInstanceOf(AssignBatch.class, to(NEW).get(1)));
    assertEquals(2, to(NEW).size());
    int ready = first.size();
    assertTrue(ready >= 1 && ready < 10, "the first level only: " + first);
    feed(e, NEW, releaseAll(first, 0), 3);
    assertEquals(2, to(NEW).size(), "nothing new was asked for, and no wait is sent in version 2");
    e.serveWaiting(4);
    assertTrue(to(NEW).size() >= 3, "the next level, once ready: " + to(NEW));
    List<Long> next = ids(assertInstanceOf(AssignBatch.class, to(NEW).get(2)));
    assertTrue(next.size() > 1, "the blocks that became ready together came in one message: " + next);
    // then both release whatever they hold each turn until the task is finished
    int newSeen = 3;
    int oldSeen = 1;
    List<Long> newHeld = new ArrayList<>(next);
    for (int turn = 0; turn < 50 && !e.state().allFinished(); turn++) {
      if (!newHeld.isEmpty()) {
        feed(e, NEW, releaseAll(newHeld, 0), 5 + turn);
        newHeld.clear();
      }
      List<Long> oldHeld = new ArrayList<>();
      for (; oldSeen < to(OLD).size(); oldSeen++) {
        if (to(OLD).get(oldSeen) instanceof Assign a) {
          oldHeld.add(a.block().id());
        }
      }
      for (Long id : oldHeld) {
        feed(e, OLD, new Release(id, true, null, 1), 5 + turn);
      }
      e.serveWaiting(5 + turn);
      for (; newSeen < to(NEW).size(); newSeen++) {
        if (to(NEW).get(newSeen) instanceof AssignBatch b) {
          newHeld.addAll(ids(b));
        }
      }
    }
    assertTrue(e.state().allFinished());
    assertEquals(10, e.state().counts(0).completed());
    assertEquals(1, to(NEW).stream().filter(NoMoreBlocks.class::isInstance).count(),
        "one no_more_blocks for all the version-2 worker's requests: " + to(NEW));
    assertEquals(0, to(NEW).stream().filter(Wait.class::isInstance).count());
    long oldAcquires = 2 + to(OLD).stream().filter(Assign.class::isInstance).count(); // 2 + one per release
    long oldAnswers = to(OLD).stream().filter(m -> m instanceof Assign || m instanceof NoMoreBlocks).count();
    assertEquals(oldAcquires, oldAnswers, "every version-1 acquire answered by one block or no_more_blocks");
    assertTrue(to(OLD).stream().anyMatch(Wait.class::isInstance), "version 1 still gets its waits");
  }

  @Test
  void batchedMessagesFromAVersionOneSessionAreProtocolErrors() {
    ProtocolEngine e = engine(100, false, null);
    feed(e, OLD, hello(ProtocolVersion.V1, 1), 1);
    feed(e, OLD, new AcquireBatch(4), 2);
    feed(e, OLD, new ReleaseBatch(List.of(new Outcome(0, true, null)), 4), 2);
    assertEquals(1, to(OLD).size(), "only the welcome: " + to(OLD));
    assertEquals(2, e.snapshot(0, false, 0).peers().droppedMessages());
  }

  @Test
  void theCapAndUnknownBlocksStayPerBlock() {
    ProtocolEngine e = engine(500, false, null);
    feed(e, NEW, hello(ProtocolVersion.V2, 1), 1);
    feed(e, NEW, new AcquireBatch(64), 2);
    feed(e, NEW, new AcquireBatch(5), 2); // beyond the cap: dropped
    assertEquals(2, to(NEW).size());
    List<Long> held = ids(assertInstanceOf(AssignBatch.class, to(NEW).get(1)));
    assertEquals(ProtocolEngine.MAX_OUTSTANDING, held.size());
    // two held, one not held, one twice: the two count, the others are errors; the acquire of 3
    // is answered (the cap has room for exactly what was released)
    feed(e, NEW, new ReleaseBatch(List.of(new Outcome(held.get(0), true, null),
        new Outcome(9999, true, null), new Outcome(held.get(1), false, "boom"),
        new Outcome(held.get(0), true, null)), 3), 3);
    assertEquals(1, e.state().counts(0).completed());
    List<Long> more = ids(assertInstanceOf(AssignBatch.class, to(NEW).get(2)));
    assertEquals(2, more.size(), "room for two: 62 still held + 2 = the cap");
    ServerSnapshot snap = e.snapshot(0, false, 0);
    // each acquire left out counts as one dropped message, as in version 1
    assertEquals(5 + 2 + 1, snap.peers().droppedMessages(),
        "the five acquires over the cap, the two bad releases, the one acquire beyond the cap");
    System.out.printf("cap with batches: %d held, %d dropped%n", 62 + more.size(), snap.peers().droppedMessages());
  }

  /**
   * A release whose bad entries spend the worker's error budget: the worker is ignored at once,
   * the rest of the message is dropped, and none of its acquires gets a lease (a lease of a buried
   * session would never go back): another worker gets every block not handed out before.
   */
  @Test
  void aReleaseThatSpendsTheErrorBudgetHandsOutNothingMore() {
    ProtocolEngine e = engine(10, false, null);
    feed(e, NEW, hello(ProtocolVersion.V2, 1), 1);
    feed(e, NEW, new AcquireBatch(2), 1);
    assertEquals(2, ids(assertInstanceOf(AssignBatch.class, to(NEW).get(1))).size());
    for (int i = 0; i < ProtocolEngine.ERROR_BUDGET - 2; i++) {
      e.onFrames(NEW, ("garbage " + i).getBytes(StandardCharsets.UTF_8), 0, 2);
    }
    List<Outcome> unknown = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      unknown.add(new Outcome(1000 + i, true, null));
    }
    feed(e, NEW, new ReleaseBatch(unknown, 10), 3);
    assertEquals(2, to(NEW).size(), "nothing more went to the ignored worker: " + to(NEW));
    assertEquals(1, e.snapshot(0, false, 0).peers().ignoredPeers());
    feed(e, OLD, hello(ProtocolVersion.V2, 1), 4);
    feed(e, OLD, new AcquireBatch(20), 4);
    // the two it held count as failed attempts (this run allows no retry); none is stuck with it
    assertEquals(2, e.state().counts(0).failed());
    assertEquals(8, ids(assertInstanceOf(AssignBatch.class, to(OLD).get(1))).size(),
        "every other block went to the other worker");
  }

  /** A batch is leases, one per block: the worker's one slot runs them in order, clocks one by one. */
  @Test
  void timeoutsAndAbandonsStayPerBlock() {
    ProtocolEngine e = engine(100, false, Duration.ofSeconds(10));
    feed(e, NEW, hello(ProtocolVersion.V2, 1), 1);
    feed(e, NEW, new AcquireBatch(3), 1);
    List<Long> held = ids(assertInstanceOf(AssignBatch.class, to(NEW).get(1)));
    e.housekeeping(1 + 11 * S);
    List<Long> abandoned = to(NEW).stream().filter(Abandon.class::isInstance).map(m -> ((Abandon) m).blockId()).toList();
    assertEquals(List.of(held.get(0)), abandoned, "only the running one; the next two had not started");
    e.housekeeping(1 + 20 * S);
    assertEquals(1, to(NEW).stream().filter(Abandon.class::isInstance).count(), "the second started at 11 s");
    e.housekeeping(1 + 22 * S);
    abandoned = to(NEW).stream().filter(Abandon.class::isInstance).map(m -> ((Abandon) m).blockId()).toList();
    assertEquals(List.of(held.get(0), held.get(1)), abandoned);
    assertEquals(2, e.state().counts(0).failed(), "each abandon is a failed attempt (this run allows no retry)");
  }
}
