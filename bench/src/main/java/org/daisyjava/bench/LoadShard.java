package org.daisyjava.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.daisyjava.core.protocol.WorkerKeyFile;
import org.daisyjava.core.protocol.WorkerSecurity;
import org.daisyjava.core.protocol.ZmqSockets;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Simulated workers of {@link LoadGen}: one JVM drives many, each a DEALER socket with its own
 * routing id and the run's CURVE client key, made by {@link ZmqSockets#dealer} like a real
 * worker's. A few driver threads each own a slice of the sockets and a poller over them (not a
 * thread per worker). Each simulated worker follows PROTOCOL.md: {@code hello}, then on {@code
 * welcome} {@code PREFETCH} {@code acquire}s; each {@code block} is a no-op, released at once with
 * {@code "acquire": 1}; a {@code heartbeat} after {@code heartbeat_ms} of its own silence; on
 * {@code no_more_blocks} a {@code goodbye}. Refusals and abandons are counted.
 *
 * <p>The shard builds its sockets, prints {@code ready}, and connects every one of them at once
 * when its parent writes a line to stdin (the storm). It prints {@code result ...} when each of
 * its workers has said goodbye or was refused. JSON: outgoing frames are fixed bytes (only a
 * release's block id varies); incoming ones are read for {@code type} and {@code block_id} with a
 * small scanner, so the shard's own CPU stays low ({@link SimulatedWorkerFrames}).
 *
 * <p>With {@code -Dloadgen.protocol=2} each simulated worker offers protocol version 2 in its
 * hello and, once welcomed to it, asks for its {@code PREFETCH} blocks in one {@code acquire},
 * and answers each {@code block} message (several blocks) with one {@code release} of all of
 * them that asks for as many again — what the Java worker does with no-op blocks.
 *
 * <p>Arguments: {@code ENDPOINT KEY_FILE FIRST_INDEX COUNT THREADS PREFETCH}.
 */
public final class LoadShard {
  /** Offer protocol version 2 ({@code -Dloadgen.protocol=2}); else version 1, as before. */
  private static final boolean OFFER_V2 = Integer.getInteger("loadgen.protocol", 1) == 2;
  /**
   * First connects spread uniformly over this many ms after "go" ({@code -Dloadgen.jitterMs}), as
   * the worker of a job array spreads its own ({@code ConnectJitter}); 0: all at once.
   */
  private static final long JITTER_NANOS = Integer.getInteger("loadgen.jitterMs", 0) * 1_000_000L;

  private final SimulatedWorkers.Counters counters = new SimulatedWorkers.Counters();
  /** The parent's second line (the scheduler has ended): stop, counting who had not finished. */
  private volatile boolean stopRequested;

  private LoadShard() {}

  public static void main(String[] args) throws Exception {
    String endpoint = args[0];
    WorkerSecurity security = WorkerKeyFile.read(Files.readString(Path.of(args[1])));
    int first = Integer.parseInt(args[2]);
    int count = Integer.parseInt(args[3]);
    int threads = Math.max(1, Math.min(count, Integer.parseInt(args[4])));
    int prefetch = Integer.parseInt(args[5]);
    new LoadShard().run(endpoint, security, first, count, threads, prefetch);
  }

  private void run(String endpoint, WorkerSecurity security, int first, int count, int threads,
      int prefetch) throws Exception {
    SecureRandom random = new SecureRandom();
    List<Driver> drivers = new ArrayList<>();
    try (ZContext context = new ZContext(Integer.getInteger("loadgen.ioThreads", 1))) {
      context.getContext().setMaxSockets(count + 64);
      for (int t = 0; t < threads; t++) {
        int from = first + (int) ((long) count * t / threads);
        int to = first + (int) ((long) count * (t + 1) / threads);
        ZMQ.Socket[] sockets = new ZMQ.Socket[to - from];
        for (int i = 0; i < sockets.length; i++) {
          byte[] id = new byte[16];
          random.nextBytes(id);
          sockets[i] = ZmqSockets.dealer(context, security, id);
          sockets[i].setLinger(100);
        }
        drivers.add(new Driver(context, sockets, from, endpoint, prefetch));
      }
      long prepCpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime();
      ShardLines.readyThenGo(() -> stopRequested = true);
      long goNanos = System.nanoTime();
      counters.goNanos = goNanos;
      CountDownLatch finished = new CountDownLatch(drivers.size());
      for (Driver d : drivers) {
        Thread th = new Thread(() -> {
          try {
            d.run();
            d.countUnfinished();
          } finally {
            finished.countDown();
          }
        }, "loadgen-driver");
        th.start();
      }
      finished.await();
      long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime();
      System.out.printf("result welcomed=%d blocks=%d refused=%d abandons=%d heartbeats=%d other=%d"
          + " unfinished=%d cpu_ms=%d rss_kb=%d prep_cpu_ms=%d last_welcome_ms=%d welcome_hist=%s%n",
          counters.welcomed.get(),
          counters.blocks.get(), counters.refused.get(), counters.abandons.get(), counters.heartbeatsSent.get(),
          counters.other.get(), counters.unfinished.get(), cpu / 1_000_000, LoadScheduler.status("VmHWM"),
          prepCpu / 1_000_000, counters.lastWelcomeNanos.get() == 0 ? -1
              : (counters.lastWelcomeNanos.get() - goNanos) / 1_000_000, counters.welcomeTimes.histogram());
      System.out.flush();
      for (Driver d : drivers) {
        d.close();
      }
    }
    System.exit(0);
  }

  /** One thread's workers: their sockets, a poller over them, and their protocol side. */
  private final class Driver {
    private final ZMQ.Socket[] sockets;
    private final int firstIndex;
    private final String endpoint;
    private final ZMQ.Poller poller;
    private final SimulatedWorkers workers;

    Driver(ZContext context, ZMQ.Socket[] sockets, int firstIndex, String endpoint, int prefetch) {
      this.sockets = sockets;
      this.firstIndex = firstIndex;
      this.endpoint = endpoint;
      this.poller = context.createPoller(sockets.length);
      this.workers = new SimulatedWorkers(sockets.length, prefetch, counters,
          (i, frame) -> sockets[i].send(frame, ZMQ.DONTWAIT));
      for (ZMQ.Socket s : sockets) {
        poller.register(s, ZMQ.Poller.POLLIN);
      }
    }

    void run() {
      long start = System.nanoTime();
      // when each worker connects: all at once, or in a random order spread over the jitter
      long[] connectAt = new long[sockets.length];
      java.util.Random random = new java.util.Random(firstIndex);
      for (int i = 0; i < sockets.length; i++) {
        connectAt[i] = start + (JITTER_NANOS == 0 ? 0 : (long) (random.nextDouble() * JITTER_NANOS));
      }
      Integer[] order = new Integer[sockets.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      java.util.Arrays.sort(order, java.util.Comparator.comparingLong(i -> connectAt[i]));
      int connected = 0;
      while (workers.remaining() > 0 && !stopRequested) {
        for (long now = System.nanoTime(); connected < order.length && connectAt[order[connected]] <= now;
            connected++) {
          int i = order[connected];
          sockets[i].connect(endpoint);
          workers.sendHello(i, SimulatedWorkerFrames.hello(firstIndex + i, OFFER_V2));
        }
        poller.poll(connected < order.length ? 1 : 50);
        for (int i = 0; i < sockets.length; i++) {
          if (poller.pollin(i)) {
            // read all that waits on this socket, not just one frame (a done worker's too: the
            // answers to its acquires still outstanding, or the poller reports it ready for ever)
            for (byte[] frame = sockets[i].recv(ZMQ.DONTWAIT); frame != null; frame = sockets[i].recv(ZMQ.DONTWAIT)) {
              workers.onFrame(i, frame);
            }
          }
        }
        workers.heartbeatIfDue(System.nanoTime());
      }
    }

    /** Called when the driver has stopped: workers that never finished. */
    void countUnfinished() {
      workers.countUnfinished();
    }

    void close() {
      poller.close();
      for (ZMQ.Socket s : sockets) {
        s.close();
      }
    }
  }
}
