package org.daisyjava.scheduler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.Roi;
import org.daisyjava.core.protocol.CurveKeyPair;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.MessageCodec;
import org.daisyjava.core.protocol.ServerKeys;
import org.daisyjava.core.protocol.WorkerKeyFile;
import org.daisyjava.core.protocol.WorkerSecurity;
import org.daisyjava.core.protocol.ZmqSockets;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.core.Fit;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.scheduler.state.SchedulingState;
import org.daisyjava.worker.Worker;
import org.daisyjava.worker.WorkerExitCodes;
import org.daisyjava.worker.WorkerOptions;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Only the run's workers talk to the run's scheduler, and workers talk only to their scheduler:
 * peers without the run's key material get nothing (no welcome, no block, no process) while a
 * real pipeline completes unaffected, and a worker pointed at an impostor runs nothing.
 */
class CurveAuthenticationTest {
  private static final int BLOCKS = 300;

  @Test
  void peersWithoutTheRunsKeysGetNothingWhileTheRunCompletes() throws Exception {
    CurveKeyPair serverPair = CurveKeyPair.generate();
    CurveKeyPair clientPair = CurveKeyPair.generate();
    WorkerKeyFile runKeys = new WorkerKeyFile(clientPair, serverPair.publicKey());
    DependencyGraph graph = DependencyGraph.of(List.of(new TaskGeometry("a",
        Roi.of(new long[] {0}, new long[] {BLOCKS * 10L}), Roi.of(new long[] {0}, new long[] {10}),
        Roi.of(new long[] {0}, new long[] {10}), Fit.VALID, false, List.of())));
    SchedulingState state = new SchedulingState(graph, new int[] {0}, null);
    ServerSettings settings = new ServerSettings("127.0.0.1", 0, 0, Duration.ofMillis(200), 10,
        new ServerKeys(serverPair, clientPair.publicKey()), null,
        List.of(new TaskSettings(BlockCode.of(BlockCode.Kind.COMMAND, "touch /tmp/should-never-run"),
            null, null)));
    try (SchedulerServer server = new SchedulerServer(state, settings, null)) {
      int port = server.start();
      List<RawWorker> intruders = new ArrayList<>();
      intruders.add(new RawWorker(port, WorkerSecurity.PLAIN)); // no CURVE at all
      intruders.add(new RawWorker(port, // a random client key
          new WorkerKeyFile(CurveKeyPair.generate(), serverPair.publicKey())));
      intruders.add(new RawWorker(port, // the run's client key, a wrong server key
          new WorkerKeyFile(clientPair, CurveKeyPair.generate().publicKey())));
      for (RawWorker intruder : intruders) {
        intruder.socket.setReceiveTimeOut(100);
        // DONTWAIT: a DEALER whose handshake failed has no peer, and a blocking send would wait
        intruder.socket.send(MessageCodec.encode(new Message.Hello("a", "intruder", "h", 1, null)), ZMQ.DONTWAIT);
      }

      ConcurrentHashMap<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
      Worker real = new Worker(List.of("tcp://127.0.0.1:" + port), "a",
          WorkerOptions.defaults().withKey(runKeys.format()).withFunction(block -> {
            runs.computeIfAbsent(block.id(), k -> new AtomicInteger()).incrementAndGet();
            Thread.sleep(2); // so that the intruders knock while the run is under way
          }));
      int[] exit = {-1};
      Thread realThread = new Thread(() -> exit[0] = real.run());
      realThread.start();

      // the intruders keep knocking for as long as the run lasts; not one frame may reach them
      int received = 0;
      int knocks = 0;
      while (realThread.isAlive()) {
        for (RawWorker intruder : intruders) {
          intruder.socket.send(MessageCodec.encode(new Message.Acquire()), ZMQ.DONTWAIT);
          knocks++;
          if (intruder.socket.recv(0) != null) {
            received++;
          }
        }
      }
      realThread.join();
      for (RawWorker intruder : intruders) {
        intruder.close();
      }
      ServerSnapshot snap = server.snapshot();
      System.out.printf("CURVE: %d blocks by the real worker (each once: %s), %d knocks by 3 intruders,"
          + " %d frames they received, %d handshakes refused by ZAP%n", runs.size(),
          runs.values().stream().allMatch(c -> c.get() == 1), knocks, received,
          server.snapshot().peers().refusedHandshakes());
      assertEquals(WorkerExitCodes.FINISHED, exit[0]);
      assertEquals(0, received, "a peer without the run's keys received frames");
      assertEquals(BLOCKS, runs.size());
      assertTrue(runs.values().stream().allMatch(c -> c.get() == 1), "a block ran twice");
      assertEquals(BLOCKS, snap.tasks().get(0).counts().completed());
      assertTrue(snap.peers().refusedHandshakes() >= 1, "the random client key was refused by ZAP");
      assertEquals(0, snap.tasks().get(0).workersLost(), "no worker lost");
    }
  }

  @Test
  void aWorkerPointedAtAnImpostorRunsNothingAndGivesUp() throws Exception {
    // the impostor: a CURVE server with its own keys that admits any client and would send a
    // welcome naming a command to every hello it got
    CurveKeyPair impostorPair = CurveKeyPair.generate();
    WorkerKeyFile runKeys = new WorkerKeyFile(CurveKeyPair.generate(), CurveKeyPair.generate().publicKey());
    try (ZContext context = new ZContext(1)) {
      ZMQ.Socket impostor = context.createSocket(SocketType.ROUTER);
      ZmqSockets.limit(impostor);
      impostor.setCurveServer(true);
      impostor.setCurveSecretKey(ZMQ.Curve.z85Decode(impostorPair.secretKey()));
      impostor.setReceiveTimeOut(50);
      int port = impostor.bindToRandomPort("tcp://127.0.0.1");
      AtomicInteger ran = new AtomicInteger();
      Worker worker = new Worker(List.of("tcp://127.0.0.1:" + port), "a",
          WorkerOptions.defaults().withKey(runKeys.format()).withConnectTimeout(Duration.ofSeconds(3))
              .withFunction(block -> ran.incrementAndGet()));
      int[] exit = {-1};
      Thread t = new Thread(() -> exit[0] = worker.run());
      t.start();
      int heard = 0;
      while (t.isAlive()) {
        byte[] id = impostor.recv(0);
        if (id != null) {
          heard++;
          impostor.sendMore(id);
          impostor.send("{\"v\":1,\"type\":\"welcome\",\"worker_id\":1,\"heartbeat_ms\":1000,\"liveness\":5}");
        }
      }
      t.join();
      System.out.printf("impostor: heard %d frames, worker exit %d, blocks run %d%n", heard, exit[0], ran.get());
      assertEquals(0, heard, "the impostor got a frame through the handshake");
      assertEquals(WorkerExitCodes.NEVER_CONNECTED, exit[0]);
      assertEquals(0, ran.get());
    }
  }

  @Test
  void keyFilesRoundTripAndRefuseWhatIsNotOne() {
    WorkerKeyFile keys = new WorkerKeyFile(CurveKeyPair.generate(), CurveKeyPair.generate().publicKey());
    assertEquals(keys, WorkerKeyFile.parse(keys.format()));
    assertEquals(keys, WorkerKeyFile.read(keys.format()));
    assertEquals(WorkerSecurity.PLAIN, WorkerKeyFile.read(WorkerKeyFile.PLAIN_TEXT));
    for (String bad : new String[] {"", "s3cret", "client-public: x\nclient-secret: y\nserver-public: z",
        keys.format().replace("server-public", "server-secret"), keys.format() + keys.format()}) {
      String message = null;
      try {
        WorkerKeyFile.read(bad);
      } catch (IllegalArgumentException e) {
        message = e.getMessage();
      }
      assertTrue(message != null, "accepted: " + bad);
      assertTrue(!message.contains(keys.client().secretKey()), "an error quoted the secret");
    }
  }
}
