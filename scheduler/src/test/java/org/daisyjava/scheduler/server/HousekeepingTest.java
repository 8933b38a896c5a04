package org.daisyjava.scheduler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.daisyjava.core.Roi;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.Message.Heartbeat;
import org.daisyjava.core.protocol.Message.Hello;
import org.daisyjava.core.protocol.Message.Welcome;
import org.daisyjava.core.protocol.MessageCodec;
import org.daisyjava.core.protocol.ServerSecurity;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.core.Fit;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.scheduler.state.SchedulingState;
import org.junit.jupiter.api.Test;

/**
 * The engine's housekeeping on a fake clock (every time is given, none is read): who is declared
 * dead and when, who gets heartbeats, and the heartbeat interval of big runs.
 */
class HousekeepingTest {
  private static final long MS = 1_000_000L;
  private static final long T0 = 1_000_000 * MS;
  /** Everything the engine sent, with its peer. */
  private final List<Object[]> sent = new ArrayList<>();

  private ProtocolEngine engine(int expectedWorkers) {
    DependencyGraph graph = DependencyGraph.of(List.of(new TaskGeometry("a",
        Roi.of(new long[] {0}, new long[] {100}), Roi.of(new long[] {0}, new long[] {10}),
        Roi.of(new long[] {0}, new long[] {10}), Fit.VALID, false, List.of())));
    ServerSettings settings = new ServerSettings("127.0.0.1", 0, 0, Duration.ofMillis(100), 5,
        ServerSecurity.PLAIN, null, List.of(new TaskSettings(null, null, null)), expectedWorkers);
    return new ProtocolEngine(new SchedulingState(graph, new int[] {0}, null), settings, null,
        (id, m) -> sent.add(new Object[] {new String(id, StandardCharsets.UTF_8), m}), r -> { }, r -> { });
  }

  private static void feed(ProtocolEngine e, String peer, Message m, long now) {
    e.onFrames(peer.getBytes(StandardCharsets.UTF_8), MessageCodec.encode(m), 0, now);
  }

  private long heartbeatsTo(String peer) {
    return sent.stream().filter(x -> x[0].equals(peer) && x[1] instanceof Heartbeat).count();
  }

  @Test
  void aSilentWorkerIsDeclaredDeadAfterLivenessTimesTheIntervalAndATalkingOneNever() {
    ProtocolEngine e = engine(0);
    feed(e, "silent", new Hello("a", "s", "h", 1, null), T0);
    feed(e, "talker", new Hello("a", "t", "h", 2, null), T0);
    long deadAt = -1;
    for (long t = T0; t <= T0 + 3000 * MS; t += 20 * MS) {
      if ((t - T0) % (100 * MS) == 0) {
        feed(e, "talker", new Heartbeat(), t);
      }
      e.housekeeping(t);
      TaskSnapshot task = e.snapshot(t, false, 0).tasks().get(0);
      if (deadAt < 0 && task.workers() < 2) {
        deadAt = t;
        assertEquals(1, task.workers(), "the talking worker was buried too");
        assertEquals(1, task.workersLost());
      }
    }
    assertTrue(deadAt > 0, "the silent worker was never declared dead");
    // dead after more than 5 × 100 ms of silence, and at the first turn after that
    assertTrue(deadAt - T0 > 500 * MS, "declared dead after " + (deadAt - T0) / MS + " ms");
    assertTrue(deadAt - T0 <= 520 * MS, "declared dead only after " + (deadAt - T0) / MS + " ms");
    TaskSnapshot end = e.snapshot(T0 + 3000 * MS, true, 0).tasks().get(0);
    assertEquals(1, end.workers(), "the talking worker is still there");
    assertEquals(1, end.workersLost());
  }

  @Test
  void theSchedulersOwnStallIsNotAWorkersSilence() {
    ProtocolEngine e = engine(0);
    feed(e, "w", new Hello("a", "w", "h", 1, null), T0);
    e.housekeeping(T0 + 20 * MS);
    // the loop did not run for 2 s (GC pause): nothing heard, but nothing could have been
    e.housekeeping(T0 + 2020 * MS);
    assertEquals(1, e.snapshot(T0 + 2020 * MS, false, 0).tasks().get(0).workers());
    // ...and silence after the stall counts again
    for (long t = T0 + 2040 * MS; t <= T0 + 3000 * MS; t += 20 * MS) {
      e.housekeeping(t);
    }
    assertEquals(0, e.snapshot(T0 + 3000 * MS, true, 0).tasks().get(0).workers());
  }

  @Test
  void aHeartbeatGoesOnlyToAWorkerThatWasSentNothingForOneInterval() {
    ProtocolEngine e = engine(0);
    feed(e, "idle", new Hello("a", "i", "h", 1, null), T0);
    feed(e, "busy", new Hello("a", "b", "h", 2, null), T0);
    for (long t = T0 + 20 * MS; t <= T0 + 1000 * MS; t += 20 * MS) {
      if ((t - T0) % (60 * MS) == 0) {
        // the busy worker is answered every 60 ms (a wait for each acquire): never silent toward it
        feed(e, "busy", new Message.Acquire(), t);
      }
      feed(e, "idle", new Heartbeat(), t); // keep both alive
      e.housekeeping(t);
    }
    assertEquals(0, heartbeatsTo("busy"), "a worker that was just sent something got a heartbeat");
    // the idle worker: welcome at T0, then one heartbeat per 100 ms of silence toward it
    long idle = heartbeatsTo("idle");
    assertTrue(idle >= 9 && idle <= 10, idle + " heartbeats in 1 s at 100 ms");
  }

  @Test
  void theHeartbeatIntervalGrowsWithTheExpectedWorkersWithinItsBounds() {
    Duration second = Duration.ofSeconds(1);
    assertEquals(second, ServerSettings.scaledHeartbeat(second, 0));
    assertEquals(second, ServerSettings.scaledHeartbeat(second, ServerSettings.HEARTBEATS_PER_SECOND));
    assertEquals(Duration.ofSeconds(5), ServerSettings.scaledHeartbeat(second, 10_000));
    assertEquals(Duration.ofMillis(1001), ServerSettings.scaledHeartbeat(second, 2001));
    assertEquals(ServerSettings.MAX_HEARTBEAT, ServerSettings.scaledHeartbeat(second, 10_000_000));
    // never shorter than configured, also beyond the cap
    assertEquals(Duration.ofSeconds(30), ServerSettings.scaledHeartbeat(Duration.ofSeconds(30), 10_000_000));
    // the rate bound: workers / interval never exceeds HEARTBEATS_PER_SECOND below the cap
    for (int n = 1; n <= 20_000; n += 997) {
      Duration h = ServerSettings.scaledHeartbeat(Duration.ofMillis(100), n);
      assertTrue(n * 1000.0 / h.toMillis() <= ServerSettings.HEARTBEATS_PER_SECOND, n + " workers: " + h);
    }
  }

  @Test
  void theScaledIntervalIsWhatWelcomeTellsAndWhatLivenessUses() {
    ProtocolEngine e = engine(10_000); // 10,000 / 2000 per second: 5 s instead of 100 ms
    feed(e, "w", new Hello("a", "w", "h", 1, null), T0);
    Welcome w = assertInstanceOf(Welcome.class, sent.get(0)[1]);
    assertEquals(5000, w.heartbeatMillis());
    for (long t = T0 + 20 * MS; t <= T0 + 24_000 * MS; t += 20 * MS) {
      e.housekeeping(t);
    }
    assertEquals(1, e.snapshot(T0, false, 0).tasks().get(0).workers(), "dead before 5 × 5 s");
    assertEquals(4, heartbeatsTo("w"), "one heartbeat per 5 s of silence toward it");
    for (long t = T0 + 24_020 * MS; t <= T0 + 25_100 * MS; t += 20 * MS) {
      e.housekeeping(t);
    }
    assertEquals(0, e.snapshot(T0, true, 0).tasks().get(0).workers(), "alive after 5 × 5 s of silence");
  }
}
