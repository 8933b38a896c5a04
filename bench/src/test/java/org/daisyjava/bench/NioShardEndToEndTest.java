package org.daisyjava.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.Fit;
import org.daisyjava.core.Roi;
import org.daisyjava.core.protocol.CurveKeyPair;
import org.daisyjava.core.protocol.WorkerKeyFile;
import org.daisyjava.core.protocol.WorkerSecurity;
import org.daisyjava.launcher.config.SchedulerSettings.Encryption;
import org.daisyjava.launcher.run.WorkerKeys;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.scheduler.server.CheckpointRecorder;
import org.daisyjava.scheduler.server.SchedulerServer;
import org.daisyjava.scheduler.server.ServerSettings;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSettings;
import org.daisyjava.scheduler.state.SchedulingState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * NIO simulated workers ({@link NioShard}) against a real {@link SchedulerServer} built as {@link
 * LoadScheduler} builds it (CURVE or plain, durable checkpoint log, one 3-D task with conflicts
 * of no-op blocks), in one JVM: every block is done, every worker welcomed and gone, none lost.
 */
@Timeout(120)
class NioShardEndToEndTest {
  private static final int EDGE = 6;
  private static final int WORKERS = 20;

  @TempDir
  Path dir;

  private void run(Encryption encryption) throws Exception {
    run(encryption, false);
  }

  /**
   * With {@code schedulerLate}, the workers start first, against a port nothing listens on yet,
   * and the scheduler binds it only once they have been refused and tried again twice in all.
   */
  private void run(Encryption encryption, boolean schedulerLate) throws Exception {
    long w = 16;
    long c = 4;
    long side = EDGE * w + 2 * c;
    TaskGeometry geometry = new TaskGeometry("bench", Roi.of(new long[] {0, 0, 0}, new long[] {side, side, side}),
        Roi.of(new long[] {-c, -c, -c}, new long[] {w + 2 * c, w + 2 * c, w + 2 * c}),
        Roi.of(new long[] {0, 0, 0}, new long[] {w, w, w}), Fit.VALID, true, List.of());
    DependencyGraph graph = DependencyGraph.of(List.of(geometry));
    long total = graph.totalBlocks();
    SchedulingState state = new SchedulingState(graph, new int[] {0}, null);
    WorkerKeys keys = WorkerKeys.generate(encryption);
    try (CheckpointRecorder log = CheckpointRecorder.create(dir.resolve("checkpoint.log"), "test".getBytes())) {
      int fixedPort = 0;
      if (schedulerLate) {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
          fixedPort = probe.getLocalPort(); // free now; closed again, so connects to it are refused
        }
      }
      SchedulerServer server = new SchedulerServer(state, new ServerSettings("127.0.0.1", fixedPort, fixedPort,
          Duration.ofMillis(1000), 5, keys.server(), dir.toString(),
          List.of(new TaskSettings(BlockCode.of(BlockCode.Kind.BUILTIN, "noop"), null, null)), WORKERS), log);
      log.attach(server);
      int port = schedulerLate ? fixedPort : server.start();
      try {
        NioShard shard = new NioShard();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
          try {
            shard.runUntilDone(new InetSocketAddress("127.0.0.1", port), WorkerKeyFile.read(keys.workerFileText()),
                WORKERS, 4);
          } catch (Throwable e) {
            failure.set(e);
          }
        });
        t.start();
        if (schedulerLate) {
          long waitUntil = System.nanoTime() + 60_000_000_000L;
          while (shard.counts()[5] < 2 * WORKERS && t.isAlive() && System.nanoTime() < waitUntil) {
            Thread.sleep(5);
          }
          assertTrue(shard.counts()[5] >= 2 * WORKERS, "refused and tried again: " + shard.counts()[5]);
          assertEquals(0, shard.counts()[0], "nobody welcomed before the scheduler is there");
          assertEquals(port, server.start());
        }
        t.join(90_000);
        if (t.isAlive()) {
          shard.stop(); // hang guard; the counts below then say what did not finish
          t.join(10_000);
        }
        assertEquals(null, failure.get());
        long[] counts = shard.counts(); // welcomed, blocks, refused, unfinished, lost connections
        assertEquals(WORKERS, counts[0], "every worker was welcomed");
        assertEquals(total, counts[1], "every block went to a worker exactly once");
        assertEquals(0, counts[2], "refused");
        assertEquals(0, counts[3], "unfinished");
        assertEquals(0, counts[4], "connections lost");
        if (!schedulerLate) {
          assertEquals(0, counts[5], "reconnects");
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        ServerSnapshot s = server.snapshot();
        while (!(s.tasks().get(0).counts().finished() && s.tasks().get(0).workers() == 0)
            && System.nanoTime() < deadline) {
          Thread.sleep(10);
          s = server.snapshot();
        }
        assertTrue(s.tasks().get(0).counts().finished(), "the task is finished");
        assertEquals(total, s.tasks().get(0).counts().completed(), "all blocks completed");
        assertEquals(0, s.tasks().get(0).workersLost(), "no worker declared dead");
        assertEquals(0, s.tasks().get(0).workers(), "every worker said goodbye");
        assertEquals(0, s.peers().refusedHandshakes());
      } finally {
        server.close();
      }
    }
  }

  @Test
  void twentyCurveWorkersDoEveryBlock() throws Exception {
    run(Encryption.CURVE);
  }

  @Test
  void twentyPlainWorkersDoEveryBlock() throws Exception {
    run(Encryption.OFF);
  }

  @Test
  void workersRefusedAtConnectTryAgainAsJeromqDoesAndGetIn() throws Exception {
    run(Encryption.CURVE, true);
  }

  @Test
  void workersWithAWrongServerKeyAreCountedAsRefused() throws Exception {
    WorkerKeys keys = WorkerKeys.generate(Encryption.CURVE);
    WorkerKeyFile good = (WorkerKeyFile) WorkerKeyFile.read(keys.workerFileText());
    WorkerSecurity wrong = new WorkerKeyFile(good.client(), CurveKeyPair.generate().publicKey());
    DependencyGraph graph = DependencyGraph.of(List.of(new TaskGeometry("bench",
        Roi.of(new long[] {0}, new long[] {64}), Roi.of(new long[] {0}, new long[] {16}),
        Roi.of(new long[] {0}, new long[] {16}), Fit.VALID, true, List.of())));
    SchedulingState state = new SchedulingState(graph, new int[] {0}, null);
    try (CheckpointRecorder log = CheckpointRecorder.create(dir.resolve("checkpoint.log"), "test".getBytes())) {
      SchedulerServer server = new SchedulerServer(state, new ServerSettings("127.0.0.1", 0, 0,
          Duration.ofMillis(1000), 5, keys.server(), dir.toString(),
          List.of(new TaskSettings(BlockCode.of(BlockCode.Kind.BUILTIN, "noop"), null, null)), 3), log);
      log.attach(server);
      int port = server.start();
      try {
        NioShard shard = new NioShard();
        Thread guard = new Thread(() -> {
          try {
            Thread.sleep(60_000);
            shard.stop();
          } catch (InterruptedException e) {
            // the run ended first
          }
        });
        guard.setDaemon(true);
        guard.start();
        shard.runUntilDone(new InetSocketAddress("127.0.0.1", port), wrong, 3, 4);
        guard.interrupt();
        long[] counts = shard.counts();
        assertEquals(0, counts[0], "nobody welcomed");
        assertEquals(3, counts[2], "every handshake counted as refused");
        assertEquals(0, counts[3], "none left unfinished: a refused worker is done");
        assertEquals(0, server.snapshot().tasks().get(0).counts().completed());
      } finally {
        server.close();
      }
    }
  }
}
