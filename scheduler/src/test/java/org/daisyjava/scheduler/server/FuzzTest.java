package org.daisyjava.scheduler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.Roi;
import org.daisyjava.core.protocol.CurveKeyPair;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.MessageCodec;
import org.daisyjava.core.protocol.ServerKeys;
import org.daisyjava.core.protocol.WorkerKeyFile;
import org.daisyjava.core.protocol.ZmqSockets;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.core.Fit;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.scheduler.state.SchedulingState;
import org.daisyjava.worker.Worker;
import org.daisyjava.worker.WorkerExitCodes;
import org.daisyjava.worker.WorkerOptions;
import org.junit.jupiter.api.Test;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Hostile traffic while real workers run a pipeline: wrong client keys, frame headers claiming
 * gigabytes (before and instead of a handshake), raw garbage, and — from peers holding the run's keys, so that it gets
 * past CURVE to the protocol engine — random, mutated, truncated, oversized, multi-frame and
 * replayed frames. The scheduler must stay up with bounded memory and every block must be done
 * exactly once.
 */
class FuzzTest {
  private static final int BLOCKS = 500;
  private static final int FUZZERS = 6;
  private static final int FRAMES_PER_FUZZER = 17_000;
  private static final int RAW_FUZZERS = 2;
  private static final int RAW_CONNECTIONS = 300;
  private static final int WRONG_KEYS = 30;
  private static final int GIGABYTE_CLAIMERS = 12;

  @Test
  void theSchedulerSurvivesFuzzAndFloodsAndEveryBlockIsDoneOnce() throws Exception {
    CurveKeyPair serverPair = CurveKeyPair.generate();
    CurveKeyPair clientPair = CurveKeyPair.generate();
    WorkerKeyFile runKeys = new WorkerKeyFile(clientPair, serverPair.publicKey());
    DependencyGraph graph = DependencyGraph.of(List.of(new TaskGeometry("a",
        Roi.of(new long[] {0}, new long[] {BLOCKS * 10L}), Roi.of(new long[] {0}, new long[] {10}),
        Roi.of(new long[] {0}, new long[] {10}), Fit.VALID, false, List.of())));
    SchedulingState state = new SchedulingState(graph, new int[] {3}, null);
    ServerSettings settings = new ServerSettings("127.0.0.1", 0, 0, Duration.ofMillis(250), 20,
        new ServerKeys(serverPair, clientPair.publicKey()), null, List.of(TaskSettings.NONE));
    MemoryWatch memory = new MemoryWatch();
    memory.start();
    try (SchedulerServer server = new SchedulerServer(state, settings, null)) {
      int port = server.start();
      AtomicLong sent = new AtomicLong();
      List<Thread> attackers = new ArrayList<>();
      List<Socket> claimers = new ArrayList<>();
      for (int i = 0; i < GIGABYTE_CLAIMERS; i++) {
        claimers.add(claimGigabytes(port, i % 2 == 0 ? "CURVE" : "NULL"));
        sent.incrementAndGet();
      }
      for (int f = 0; f < FUZZERS; f++) {
        long seed = 1000 + f;
        attackers.add(new Thread(() -> fuzz(port, runKeys, seed, sent), "fuzzer-" + f));
      }
      for (int f = 0; f < RAW_FUZZERS; f++) {
        long seed = 2000 + f;
        attackers.add(new Thread(() -> fuzzHandshakes(port, seed, sent), "raw-fuzzer-" + f));
      }
      attackers.add(new Thread(() -> wrongKeys(port, serverPair.publicKey(), server), "wrong-keys"));
      attackers.forEach(Thread::start);

      ConcurrentHashMap<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
      List<Thread> workers = new ArrayList<>();
      int[] exits = new int[2];
      for (int w = 0; w < 2; w++) {
        int index = w;
        Worker worker = new Worker(List.of("tcp://127.0.0.1:" + port), "a",
            WorkerOptions.defaults().withKey(runKeys.format()).withFunction(block -> {
              runs.computeIfAbsent(block.id(), k -> new AtomicInteger()).incrementAndGet();
              // the pipeline keeps pace with the fuzz, so that all of it hits a running pipeline
              long due = (block.id() + 1) * 100_000L / BLOCKS;
              long guard = System.nanoTime() + Duration.ofSeconds(60).toNanos();
              while (sent.get() < due && System.nanoTime() < guard) {
                Thread.sleep(1);
              }
            }));
        Thread t = new Thread(() -> exits[index] = worker.run(), "real-worker-" + w);
        workers.add(t);
        t.start();
      }
      for (Thread t : workers) {
        t.join();
      }
      long sentWhileRunning = sent.get();
      for (Thread t : attackers) {
        t.join();
      }
      for (Socket s : claimers) {
        s.close();
      }
      // the scheduler still answers a newcomer with the keys after all that
      try (RawWorker late = new RawWorker(port, runKeys)) {
        late.send(new Message.Hello("a", "late", "h", 1, null));
        late.next(Message.Welcome.class);
      }
      // what the fuzzers queued may still be on its way (their sockets linger), and a snapshot is
      // what the loop last published: wait, within bounds, for the fuzz to have been dropped
      ServerSnapshot snap = server.snapshot();
      long dropDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (snap.peers().droppedMessages() <= 10_000 && System.nanoTime() < dropDeadline) {
        Thread.sleep(50);
        snap = server.snapshot();
      }
      memory.stopWatching();
      PeerCounts peers = snap.peers();
      System.out.printf("fuzz: %,d hostile frames (%,d while the pipeline ran), %d headers claiming 2 GB;"
          + " dropped %,d, refused handshakes %,d, refused hellos %,d, ignored peers %d;"
          + " peak heap %,d MiB, peak RSS %,d MiB; %d blocks, each run once: %s%n",
          sent.get(), sentWhileRunning, GIGABYTE_CLAIMERS, peers.droppedMessages(),
          peers.refusedHandshakes(), peers.refusedHellos(), peers.ignoredPeers(),
          memory.peakHeap >> 20, memory.peakRss() >> 20, runs.size(),
          runs.values().stream().allMatch(c -> c.get() == 1));
      assertTrue(sent.get() >= 100_000, "sent " + sent.get());
      assertFalse(snap.stopped(), "the scheduler loop died");
      assertEquals(WorkerExitCodes.FINISHED, exits[0]);
      assertEquals(WorkerExitCodes.FINISHED, exits[1]);
      assertEquals(BLOCKS, runs.size());
      assertTrue(runs.values().stream().allMatch(c -> c.get() == 1), "a block ran twice");
      assertEquals(BLOCKS, snap.tasks().get(0).counts().completed());
      assertEquals(0, snap.tasks().get(0).workersLost(), "a healthy worker was declared dead");
      assertTrue(peers.droppedMessages() > 10_000, "the fuzz reached the engine and was dropped");
      assertTrue(peers.refusedHandshakes() >= WRONG_KEYS, "wrong client keys refused: " + peers.refusedHandshakes());
      // one 2 GB reservation alone would exceed this: the headers were refused before allocation
      assertTrue(memory.peakHeap < 1L << 30, "peak heap " + (memory.peakHeap >> 20) + " MiB");
    }
  }

  /**
   * A raw TCP connection that sends a ZMTP 3.0 greeting and then the 9-byte header of a command
   * frame claiming 2^31 - 2 bytes, and keeps the connection open (its body never comes).
   */
  private static Socket claimGigabytes(int port, String mechanism) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    OutputStream out = s.getOutputStream();
    byte[] greeting = new byte[64];
    greeting[0] = (byte) 0xFF;
    greeting[8] = 1;
    greeting[9] = 0x7F;
    greeting[10] = 3; // version 3.0
    byte[] name = mechanism.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, greeting, 12, name.length);
    out.write(greeting);
    long size = Integer.MAX_VALUE - 1;
    byte[] header = new byte[9];
    header[0] = 0x06; // command, long size
    for (int i = 0; i < 8; i++) {
      header[1 + i] = (byte) (size >>> (56 - 8 * i));
    }
    out.write(header);
    out.flush();
    return s;
  }

  /**
   * Connections with random client keys (and the right server key): each must be refused by the
   * authenticator. Waits until the scheduler has counted them (a hang guard of 60 s).
   */
  private static void wrongKeys(int port, String serverPublic, SchedulerServer server) {
    try (ZContext context = new ZContext(1)) {
      for (int i = 0; i < WRONG_KEYS; i++) {
        ZMQ.Socket s = ZmqSockets.dealer(context,
            new WorkerKeyFile(CurveKeyPair.generate(), serverPublic), ("wrong-" + i).getBytes(StandardCharsets.UTF_8));
        s.setLinger(0);
        s.connect("tcp://127.0.0.1:" + port);
        s.send(MessageCodec.encode(new Message.Hello("a", "wrong key", "h", 1, null)), ZMQ.DONTWAIT);
      }
      long guard = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (server.snapshot().peers().refusedHandshakes() < WRONG_KEYS && System.nanoTime() < guard) {
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Fuzzes the handshake without keys: raw TCP connections that send a greeting (sometimes
   * mutated), then frames with random headers and bodies, until the scheduler drops them.
   */
  private static void fuzzHandshakes(int port, long seed, AtomicLong sent) {
    Random random = new Random(seed);
    for (int c = 0; c < RAW_CONNECTIONS; c++) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(2000);
        OutputStream out = s.getOutputStream();
        byte[] greeting = new byte[64];
        greeting[0] = (byte) 0xFF;
        greeting[8] = 1;
        greeting[9] = 0x7F;
        greeting[10] = 3;
        System.arraycopy("CURVE".getBytes(StandardCharsets.US_ASCII), 0, greeting, 12, 5);
        if (random.nextInt(4) == 0) {
          greeting[random.nextInt(64)] = (byte) random.nextInt(256);
        }
        out.write(greeting);
        for (int f = 0; f < 20; f++) {
          byte[] body = new byte[random.nextInt(400)];
          random.nextBytes(body);
          out.write(random.nextBoolean() ? 0x04 : 0x00); // a command or a message, short size
          out.write(body.length > 255 ? 255 : body.length);
          out.write(body, 0, Math.min(255, body.length));
          sent.incrementAndGet();
        }
        out.flush();
      } catch (IOException e) {
        // the scheduler closed the connection: what it should do
      }
    }
  }

  /** One fuzzing peer with the run's keys (so it reaches the engine): a DEALER from the factory. */
  private static void fuzz(int port, WorkerKeyFile keys, long seed, AtomicLong sent) {
    Random random = new Random(seed);
    List<byte[]> valid = List.of(
        MessageCodec.encode(new Message.Hello("no-such-task", "fuzz\nFAKE LOG LINE", "h", 1, null)),
        MessageCodec.encode(new Message.Acquire()),
        MessageCodec.encode(new Message.Heartbeat()),
        MessageCodec.encode(new Message.Release(BLOCKS + random.nextInt(1000), true, null, 1000)),
        MessageCodec.encode(new Message.Release(BLOCKS + 7, false, "x\n".repeat(100), 0)),
        MessageCodec.encode(new Message.Goodbye("bye")),
        "{\"v\":1,\"type\":\"welcome\",\"worker_id\":1}".getBytes(StandardCharsets.UTF_8),
        "{\"v\":2,\"type\":\"acquire\"}".getBytes(StandardCharsets.UTF_8),
        // version 2's batched forms, mutated like the rest
        MessageCodec.encode(new Message.Hello("no-such-task", "fuzz", "h", 1, null, null, 1, 0,
            org.daisyjava.core.protocol.ProtocolVersion.V2)),
        MessageCodec.encode(new Message.AcquireBatch(64)),
        MessageCodec.encode(new Message.ReleaseBatch(List.of(new Message.Outcome(BLOCKS + 3, true, null),
            new Message.Outcome(1, false, "x\n".repeat(50))), 64)));
    try (ZContext context = new ZContext(1)) {
      int connection = 0;
      ZMQ.Socket socket = null;
      for (int i = 0; i < FRAMES_PER_FUZZER; i++) {
        if (socket == null || i % 2000 == 0) {
          if (socket != null) {
            socket.close();
          }
          byte[] id = ("fuzz-" + seed + "-" + connection++).getBytes(StandardCharsets.UTF_8);
          socket = ZmqSockets.dealer(context, keys, id);
          socket.setLinger(30_000); // what is queued still goes out after the socket is closed
          socket.setSendTimeOut(2000);
          socket.setMaxMsgSize(-1); // this side may send what the scheduler must refuse
          socket.connect("tcp://127.0.0.1:" + port);
        }
        byte[] frame;
        int kind = random.nextInt(100);
        if (kind < 25) {
          frame = new byte[random.nextInt(300)];
          random.nextBytes(frame);
        } else if (kind < 55) {
          frame = valid.get(random.nextInt(valid.size())).clone();
          for (int m = 1 + random.nextInt(4); m > 0 && frame.length > 0; m--) {
            frame[random.nextInt(frame.length)] = (byte) random.nextInt(256);
          }
        } else if (kind < 70) {
          byte[] v = valid.get(random.nextInt(valid.size()));
          frame = java.util.Arrays.copyOf(v, random.nextInt(v.length));
        } else if (kind < 95) {
          frame = valid.get(random.nextInt(valid.size()));
        } else if (kind < 99) {
          socket.sendMore(valid.get(1));
          frame = valid.get(2);
        } else if (i % 500 == 99) {
          frame = new byte[MessageCodec.MAX_FRAME + 1 + random.nextInt(1000)]; // refused on the wire
        } else {
          frame = "{\"v\":1,\"type\":\"hello\",\"task\":\"".concat("y".repeat(5_000))
              .concat("\"}").getBytes(StandardCharsets.UTF_8);
        }
        if (socket.send(frame, 0)) { // false: the send timed out (reconnecting after an oversized frame)
          sent.incrementAndGet();
        }
      }
      socket.close();
    }
  }

  /** Samples the heap every few milliseconds; reads the process's peak RSS at the end. */
  private static final class MemoryWatch extends Thread {
    volatile long peakHeap;
    private volatile boolean done;

    MemoryWatch() {
      setDaemon(true);
    }

    @Override
    public void run() {
      Runtime rt = Runtime.getRuntime();
      while (!done) {
        peakHeap = Math.max(peakHeap, rt.totalMemory() - rt.freeMemory());
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void stopWatching() {
      done = true;
    }

    long peakRss() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
          if (line.startsWith("VmHWM:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
          }
        }
      } catch (IOException | RuntimeException e) {
        return -1;
      }
      return -1;
    }
  }
}
