package org.daisyjava.scheduler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.daisyjava.core.Roi;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.Message.Abandon;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.Assign;
import org.daisyjava.core.protocol.Message.Hello;
import org.daisyjava.core.protocol.Message.Release;
import org.daisyjava.core.protocol.MessageCodec;
import org.daisyjava.core.protocol.ProtocolException;
import org.daisyjava.core.protocol.ServerSecurity;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.core.Fit;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.scheduler.state.SchedulingState;
import org.junit.jupiter.api.Test;

/**
 * A worker with several slots runs that many of its blocks at once: the engine runs the timeout
 * clocks of its first {@code slots} leases, and starts a waiting lease's clock when a slot frees.
 * Time is handed to the engine by the test (nanoseconds from 0), so nothing here depends on the
 * machine's speed.
 */
class SlotLeaseClockTest {
  private static final byte[] PEER = "peer-1".getBytes(StandardCharsets.UTF_8);
  private static final long S = 1_000_000_000L;
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final List<Message> sent = new ArrayList<>();

  private ProtocolEngine engine() {
    DependencyGraph graph = DependencyGraph.of(List.of(new TaskGeometry("a",
        Roi.of(new long[] {0}, new long[] {1000}), Roi.of(new long[] {0}, new long[] {10}),
        Roi.of(new long[] {0}, new long[] {10}), Fit.VALID, false, List.of())));
    // heartbeats of an hour: nobody is declared dead while the test's clock jumps
    ServerSettings settings = new ServerSettings("127.0.0.1", 0, 0, Duration.ofHours(1), 5,
        ServerSecurity.PLAIN, null, List.of(new TaskSettings(null, TIMEOUT, null)));
    return new ProtocolEngine(new SchedulingState(graph, new int[] {0}, null), settings, null,
        (id, m) -> sent.add(m), r -> {}, r -> {});
  }

  private static void feed(ProtocolEngine e, Message m, long now) {
    e.onFrames(PEER, MessageCodec.encode(m), 0, now);
  }

  private List<Long> handedOut() {
    return sent.stream().filter(Assign.class::isInstance).map(m -> ((Assign) m).block().id()).toList();
  }

  private List<Long> abandoned() {
    return sent.stream().filter(Abandon.class::isInstance).map(m -> ((Abandon) m).blockId()).toList();
  }

  private List<Long> connectWith(ProtocolEngine e, int slots, int acquires, long now) {
    feed(e, new Hello("a", "w", "h", 1, null, null, slots), now);
    for (int i = 0; i < acquires; i++) {
      feed(e, new Acquire(), now);
    }
    List<Long> ids = handedOut();
    assertEquals(acquires, ids.size());
    return ids;
  }

  @Test
  void theClocksOfAsManyLeasesAsSlotsRunAtOnce() {
    ProtocolEngine e = engine();
    List<Long> ids = connectWith(e, 2, 3, 1);
    e.housekeeping(1 + 9 * S);
    assertEquals(List.of(), abandoned(), "nothing is due before the timeout");
    e.housekeeping(1 + 11 * S);
    assertEquals(List.of(ids.get(0), ids.get(1)), abandoned(),
        "both running blocks time out together; the third has not started");
    e.housekeeping(1 + 20 * S);
    assertEquals(2, abandoned().size(), "the third block's clock started when the slots freed (at 11 s)");
    e.housekeeping(1 + 22 * S);
    assertEquals(List.of(ids.get(0), ids.get(1), ids.get(2)), abandoned());
  }

  @Test
  void aReleaseStartsTheClockOfTheFirstWaitingLease() {
    ProtocolEngine e = engine();
    List<Long> ids = connectWith(e, 2, 4, 1);
    feed(e, new Release(ids.get(1), true, null), 1 + 5 * S); // a slot frees at 5 s: block 3 starts
    e.housekeeping(1 + 11 * S);
    assertEquals(List.of(ids.get(0)), abandoned(), "block 1 timed out; block 3 started at 5 s");
    // block 0's slot freed at 11 s for block 4
    e.housekeeping(1 + 16 * S);
    assertEquals(List.of(ids.get(0), ids.get(2)), abandoned());
    e.housekeeping(1 + 20 * S);
    assertEquals(2, abandoned().size());
    e.housekeeping(1 + 22 * S);
    assertEquals(List.of(ids.get(0), ids.get(2), ids.get(3)), abandoned());
  }

  @Test
  void aOneSlotWorkerHasOneClockRunning() {
    ProtocolEngine e = engine();
    List<Long> ids = connectWith(e, 1, 2, 1);
    e.housekeeping(1 + 11 * S);
    assertEquals(List.of(ids.get(0)), abandoned());
    e.housekeeping(1 + 20 * S);
    assertEquals(1, abandoned().size());
    e.housekeeping(1 + 22 * S);
    assertEquals(ids, abandoned());
  }

  @Test
  void aHelloWithoutSlotsHasOneAndOutOfRangeSlotsAreMalformed() throws Exception {
    Hello plain = (Hello) MessageCodec.decode(MessageCodec.encode(new Hello("a", "w", "h", 1, null)));
    assertEquals(1, plain.slots());
    Hello eight = (Hello) MessageCodec.decode(MessageCodec.encode(new Hello("a", "w", "h", 1, null, null, 8)));
    assertEquals(8, eight.slots());
    for (String slots : List.of("0", "-1", "65", "1.5", "\"4\"", "99999999999")) {
      byte[] frame = ("{\"v\":1,\"type\":\"hello\",\"task\":\"a\",\"name\":\"w\",\"host\":\"h\",\"pid\":1,"
          + "\"slots\":" + slots + "}").getBytes(StandardCharsets.UTF_8);
      assertThrows(ProtocolException.class, () -> MessageCodec.decode(frame), "slots " + slots);
    }
  }
}
