package org.daisyjava.scheduler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.ProcessUsage;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.Assign;
import org.daisyjava.core.protocol.Message.Release;
import org.daisyjava.core.protocol.ServerSecurity;
import org.daisyjava.scheduler.state.SchedulingState;
import org.junit.jupiter.api.Test;

/**
 * The observer hook sees what happens to workers and blocks, in order: joined, started, ended
 * (with how), done, the usage a worker reports, left (in order, or lost with its leases ended
 * first).
 */
class ServerObserverTest {
  /** Records every call as a line (called on the loop thread; read after the server stopped). */
  static final class Recording implements ServerObserver {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void workerJoined(long worker, int task, String name, String host, long pid, String job, String log) {
      calls.add("joined " + worker + " " + task + " " + host);
    }

    @Override
    public void workerLeft(long worker, int task, String reason, boolean lost) {
      calls.add((lost ? "lost " : "left ") + worker + " " + reason);
    }

    @Override
    public void workerHeard(long worker) {
      calls.add("heard " + worker);
    }

    @Override
    public void workerUsage(long worker, long cpuMillis, long peakRssKb) {
      calls.add("usage " + worker + " " + cpuMillis + " ms " + peakRssKb + " kB");
    }

    @Override
    public void blockStarted(int task, long block, long worker, int attempt) {
      calls.add("started " + block + " on " + worker + " attempt " + attempt);
    }

    @Override
    public void blockEnded(int task, long block, long worker, int attempt, long runNanos, Ending ending, String error) {
      assertTrue(runNanos >= 0, "run time " + runNanos);
      calls.add("ended " + block + " " + ending + (error == null ? "" : " " + error));
    }

    @Override
    public void blockDone(int task, long block, boolean skipped) {
      calls.add("done " + block);
    }
  }

  @Test
  void theObserverSeesEachWorkerAndBlockEventInOrder() throws Exception {
    var g = SchedulerServerTest.graph();
    SchedulingState state = new SchedulingState(g, new int[] {1, 1}, null);
    List<TaskSettings> ts = List.of(new TaskSettings(BlockCode.of(BlockCode.Kind.COMMAND, "true"), null, null),
        new TaskSettings(BlockCode.of(BlockCode.Kind.COMMAND, "true"), null, null));
    SchedulerServer server = new SchedulerServer(state, new ServerSettings("127.0.0.1", 0, 0, Duration.ofMillis(100), 3,
        ServerSecurity.PLAIN, "/runs/x", ts), null);
    Recording seen = new Recording();
    server.observe(seen);
    server.start();
    try (RawWorker a = new RawWorker(server.port()); RawWorker b = new RawWorker(server.port())) {
      long wa = a.hello("a").workerId();
      a.send(new Message.Heartbeat());
      a.send(new Message.Heartbeat(new ProcessUsage(1500, 70_000)));
      a.send(new Acquire());
      Assign first = assertInstanceOf(Assign.class, a.next());
      a.send(new Release(first.block().id(), true, null));
      a.send(new Acquire());
      Message m = a.next();
      Assign second = assertInstanceOf(Assign.class, m);
      a.send(new Release(second.block().id(), false, "simulated failure"));
      a.send(new Message.Goodbye("done here", false, new ProcessUsage(2500, 90_000)));
      // b says hello only after a has gone (two sockets: otherwise their order is not defined)
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!seen.calls.contains("left " + wa + " left (done here)")) {
        assertTrue(System.nanoTime() < deadline, "a never left: " + seen.calls);
        Thread.sleep(20);
      }
      long wb = b.hello("a").workerId();
      b.send(new Acquire());
      Assign third = assertInstanceOf(Assign.class, b.next());
      // b goes silent holding a block: after 3 x 100 ms it is lost and the block ends with it
      while (!seen.calls.contains("lost " + wb + " stopped responding (no message for 300ms)")) {
        assertTrue(System.nanoTime() < deadline, "b was never declared lost: " + seen.calls);
        Thread.sleep(20);
      }
      server.close();
      List<String> expected = List.of(
          "joined " + wa + " 0 localhost",
          "heard " + wa,
          "heard " + wa,
          "usage " + wa + " 1500 ms 70000 kB",
          "started " + first.block().id() + " on " + wa + " attempt 1",
          "ended " + first.block().id() + " SUCCEEDED",
          "done " + first.block().id(),
          "started " + second.block().id() + " on " + wa + " attempt 1",
          "ended " + second.block().id() + " RETRY simulated failure",
          "usage " + wa + " 2500 ms 90000 kB",
          "left " + wa + " left (done here)",
          "joined " + wb + " 0 localhost",
          "started " + third.block().id() + " on " + wb + " attempt " + third.attempt(),
          // one retry allowed: a block on its second attempt fails for good
          "ended " + third.block().id() + (third.attempt() > 1 ? " FAILED" : " RETRY")
              + " worker stopped responding (no message for 300ms)",
          "lost " + wb + " stopped responding (no message for 300ms)");
      assertEquals(expected, seen.calls.subList(0, expected.size()));
    }
  }
}
