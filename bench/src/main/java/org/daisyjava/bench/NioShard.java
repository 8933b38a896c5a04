package org.daisyjava.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.daisyjava.core.protocol.WorkerKeyFile;
import org.daisyjava.core.protocol.WorkerSecurity;
import org.zeromq.ZMQ;

/**
 * Simulated workers of {@link LoadGen} on raw Java NIO ({@code -Dloadgen.engine=nio}), a drop-in
 * for {@link LoadShard} that costs the generator far less CPU, so that a storm of thousands of
 * workers measures the scheduler's limit and not the generator's: each simulated worker is one
 * {@link ZmtpConnection} (one file descriptor; a JeroMQ socket costs several, and its own
 * mailbox, pipes and I/O-thread hand-offs per message) speaking, byte for byte, what a JeroMQ
 * 0.6.0 DEALER with the run's CURVE client key sends ({@link CurveClient}; {@link NullClient}
 * when the key file says {@code encryption: off}), with a random 16-byte routing id as
 * {@code ZmqSockets.dealer} is given one by {@link LoadShard}.
 *
 * <p>Before "go" each shard does what a real worker does on its own machine before its first byte
 * reaches the scheduler, so it is not part of the storm: it opens the sockets, makes each
 * worker's transient CURVE key pair, its HELLO command and the C'·S box key, and encodes its
 * hello. During the storm only the two scalar multiplications that need the server's transient
 * key remain per worker (C'·S' and C·S', see {@link CurveClient}), plus ZMTP framing and the
 * messages' Salsa20/Poly1305. The result line has {@code prep_cpu_ms}, the CPU spent before
 * "go", so the storm's share is {@code cpu_ms - prep_cpu_ms}.
 *
 * <p>{@code THREADS} selector threads each own a slice of the connections (not a thread per
 * worker); each connects all of its slice at once on "go" (non-blocking), or in the order and at
 * the times {@code -Dloadgen.jitterMs} spreads them over as LoadShard does. Each simulated worker
 * follows PROTOCOL.md exactly as LoadShard's: {@code hello} once the handshake is complete; on
 * {@code welcome} its {@code PREFETCH} acquires (version 1) or one acquire of {@code PREFETCH}
 * (version 2, {@code -Dloadgen.protocol=2}); each {@code block} released at once asking for as
 * many again; a {@code heartbeat} after {@code heartbeat_ms} of its own silence; {@code goodbye}
 * on {@code no_more_blocks}; refusals and abandons counted.
 *
 * <p>A connection that ends before its handshake is complete is tried again after {@link
 * #RECONNECT_NANOS}, as a JeroMQ DEALER does (its default reconnect interval), with a fresh
 * short-term key pair and the same routing id — unless the server refused it with an ERROR
 * command, which counts in {@code refused} and ends the worker. Each try counts in {@code
 * reconnects}: a listen queue that overflowed or a handshake the server reset under load costs a
 * real worker that much delay, not its run. One that ends after its handshake (reset, or a broken
 * frame or box) is counted in {@code lost_connections} and {@code unfinished}, and the worker is
 * done. The first few reasons go to stderr.
 *
 * <p>Stdin/stdout with LoadGen as LoadShard's: {@code ready} when prepared, connect on the first
 * line ("go"), stop on the second ("stop"), then {@code result welcomed= blocks= refused=
 * abandons= heartbeats= other= unfinished= cpu_ms= rss_kb=} (and {@code lost_connections=}, {@code reconnects=},
 * {@code prep_cpu_ms=}, {@code last_welcome_ms=}: from "go" until this shard's last worker was
 * welcomed, -1 if none was). Arguments: {@code ENDPOINT KEY_FILE FIRST_INDEX COUNT THREADS PREFETCH}.
 */
public final class NioShard {
  /** Offer protocol version 2 ({@code -Dloadgen.protocol=2}); else version 1. */
  private static final boolean OFFER_V2 = Integer.getInteger("loadgen.protocol", 1) == 2;
  /** First connects spread uniformly over this many ms after "go" ({@code -Dloadgen.jitterMs}); 0: all at once. */
  private static final long JITTER_NANOS = Integer.getInteger("loadgen.jitterMs", 0) * 1_000_000L;
  /** Connects started between two polls, so that the first handshakes go on while the rest connect. */
  private static final int CONNECTS_PER_POLL = 256;
  /** Reasons of ended connections written to stderr, at most. */
  private static final int REASONS_LOGGED = 5;
  private static final int ROUTING_ID_SIZE = 16;
  /** JeroMQ's default reconnect interval ({@code ZMQ_RECONNECT_IVL}, 100 ms). */
  static final long RECONNECT_NANOS = 100_000_000L;

  private final SimulatedWorkers.Counters counters = new SimulatedWorkers.Counters();
  private final AtomicLong lostConnections = new AtomicLong();
  private final AtomicLong reconnects = new AtomicLong();
  private final AtomicInteger reasonsLogged = new AtomicInteger();
  /** When "go" came (System.nanoTime). */
  private volatile long goNanos;
  /** The parent's second line (the scheduler has ended): stop, counting who had not finished. */
  private volatile boolean stopRequested;

  NioShard() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: NioShard ENDPOINT KEY_FILE FIRST_INDEX COUNT THREADS PREFETCH");
      System.exit(2);
    }
    InetSocketAddress address = address(args[0]);
    WorkerSecurity security = WorkerKeyFile.read(Files.readString(Path.of(args[1])));
    int first = Integer.parseInt(args[2]);
    int count = Integer.parseInt(args[3]);
    int threads = Math.max(1, Math.min(count, Integer.parseInt(args[4])));
    int prefetch = Integer.parseInt(args[5]);
    try {
      new NioShard().run(address, security, first, count, threads, prefetch);
    } catch (Exception e) {
      // (the driver threads wait for "go": end them with the JVM, and tell LoadGen by the exit code)
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  /** {@code tcp://HOST:PORT} as a socket address. */
  static InetSocketAddress address(String endpoint) {
    URI uri = URI.create(endpoint);
    if (!"tcp".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
      throw new IllegalArgumentException("endpoint must be tcp://HOST:PORT, got " + endpoint);
    }
    return new InetSocketAddress(uri.getHost(), uri.getPort());
  }

  private void run(InetSocketAddress address, WorkerSecurity security, int first, int count, int threads,
      int prefetch) throws Exception {
    CountDownLatch prepared = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(threads);
    List<Driver> drivers = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < threads; t++) {
      int from = first + (int) ((long) count * t / threads);
      int to = first + (int) ((long) count * (t + 1) / threads);
      Driver d = new Driver(address, security, from, to - from, prefetch);
      drivers.add(d);
      Thread th = new Thread(() -> {
        try {
          d.prepare();
          prepared.countDown();
          go.await();
          d.run();
        } catch (Throwable e) {
          failures.add(e);
          prepared.countDown();
        } finally {
          d.countUnfinished();
          finished.countDown();
        }
      }, "nioshard-" + t);
      th.start();
    }
    prepared.await();
    if (!failures.isEmpty()) {
      throw new IllegalStateException("preparing the workers failed", failures.get(0));
    }
    long prepCpu = cpuNanos();
    ShardLines.readyThenGo(() -> stopRequested = true);
    goNanos = System.nanoTime();
    counters.goNanos = goNanos;
    go.countDown();
    finished.await();
    for (Throwable f : failures) {
      f.printStackTrace();
    }
    System.out.printf("result welcomed=%d blocks=%d refused=%d abandons=%d heartbeats=%d other=%d"
        + " unfinished=%d cpu_ms=%d rss_kb=%d lost_connections=%d prep_cpu_ms=%d last_welcome_ms=%d"
        + " welcome_hist=%s reconnects=%d%n",
        counters.welcomed.get(), counters.blocks.get(), counters.refused.get(), counters.abandons.get(),
        counters.heartbeatsSent.get(), counters.other.get(), counters.unfinished.get(), cpuNanos() / 1_000_000,
        LoadScheduler.status("VmHWM"), lostConnections.get(), prepCpu / 1_000_000,
        counters.lastWelcomeNanos.get() == 0 ? -1 : (counters.lastWelcomeNanos.get() - goNanos) / 1_000_000,
        counters.welcomeTimes.histogram(), reconnects.get());
    System.out.flush();
    for (Driver d : drivers) {
      d.close();
    }
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Counters of this shard, for tests: welcomed, blocks, refused, unfinished, lost connections, reconnects. */
  long[] counts() {
    return new long[] {counters.welcomed.get(), counters.blocks.get(), counters.refused.get(),
        counters.unfinished.get(), lostConnections.get(), reconnects.get()};
  }

  /** As {@link #main} without stdin and exit: runs {@code count} workers until all are done or stopped. */
  void runUntilDone(InetSocketAddress address, WorkerSecurity security, int count, int prefetch) throws Exception {
    Driver d = new Driver(address, security, 0, count, prefetch);
    try {
      d.prepare();
      d.run();
    } finally {
      d.countUnfinished();
      d.close();
    }
  }

  /** Stops {@link #runUntilDone} from another thread (a test's hang guard). */
  void stop() {
    stopRequested = true;
  }

  /** One selector thread's workers: their connections and their protocol side. */
  private final class Driver implements ZmtpConnection.Listener {
    private final InetSocketAddress address;
    private final WorkerSecurity security;
    private final int firstIndex;
    private final int count;
    private final SimulatedWorkers workers;
    private final byte[][] hello;
    private final byte[][] routingIds;
    /** Workers whose connection failed before its handshake, in the order they connect again. */
    private final ArrayDeque<Integer> toReconnect = new ArrayDeque<>();
    private final long[] reconnectAt;
    private ZmtpConnection[] connections;
    private Selector selector;
    private SecureRandom random;
    private byte[] clientPublic;
    private byte[] clientSecret;
    private byte[] serverPublic;

    Driver(InetSocketAddress address, WorkerSecurity security, int firstIndex, int count, int prefetch) {
      this.address = address;
      this.security = security;
      this.firstIndex = firstIndex;
      this.count = count;
      this.workers = new SimulatedWorkers(count, prefetch, counters, (i, frame) -> connections[i].send(frame));
      this.hello = new byte[count][];
      this.routingIds = new byte[count][];
      this.reconnectAt = new long[count];
    }

    /** Opens the sockets and makes each worker's keys and first messages (before "go"). */
    void prepare() throws IOException {
      selector = Selector.open();
      connections = new ZmtpConnection[count];
      random = new SecureRandom();
      if (security instanceof WorkerKeyFile keys) {
        clientPublic = ZMQ.Curve.z85Decode(keys.client().publicKey());
        clientSecret = ZMQ.Curve.z85Decode(keys.client().secretKey());
        serverPublic = ZMQ.Curve.z85Decode(keys.serverPublicKey());
      }
      for (int i = 0; i < count; i++) {
        routingIds[i] = new byte[ROUTING_ID_SIZE];
        random.nextBytes(routingIds[i]);
        connections[i] = newConnection(i);
        hello[i] = SimulatedWorkerFrames.hello(firstIndex + i, OFFER_V2);
      }
    }

    /** Worker {@code i}'s next connection: its routing id, a fresh short-term key pair (CURVE). */
    private ZmtpConnection newConnection(int i) throws IOException {
      byte[] id = routingIds[i];
      ClientMechanism mechanism = security instanceof WorkerKeyFile
          ? new CurveClient(clientPublic, clientSecret, serverPublic, id, random) : new NullClient(id);
      return new ZmtpConnection(i, mechanism, id.length, this);
    }

    void run() throws IOException {
      long start = System.nanoTime();
      // when each worker connects: all at once, or in a random order spread over the jitter
      long[] connectAt = new long[count];
      Random random = new Random(firstIndex);
      for (int i = 0; i < count; i++) {
        connectAt[i] = start + (JITTER_NANOS == 0 ? 0 : (long) (random.nextDouble() * JITTER_NANOS));
      }
      Integer[] order = new Integer[count];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparingLong(i -> connectAt[i]));
      int connected = 0;
      while (workers.remaining() > 0 && !stopRequested) {
        long now = System.nanoTime();
        for (int started = 0; connected < count && connectAt[order[connected]] <= now
            && started < CONNECTS_PER_POLL; connected++, started++) {
          connections[order[connected]].connect(selector, address);
        }
        for (int started = 0; !toReconnect.isEmpty() && reconnectAt[toReconnect.peekFirst()] <= now
            && started < CONNECTS_PER_POLL; started++) {
          int i = toReconnect.pollFirst();
          connections[i] = newConnection(i);
          connections[i].connect(selector, address);
        }
        long waitMs = 50;
        if (connected < count) {
          waitMs = Math.min(waitMs, Math.max(0, (connectAt[order[connected]] - System.nanoTime()) / 1_000_000));
        }
        if (!toReconnect.isEmpty()) {
          waitMs = Math.min(waitMs, Math.max(0, (reconnectAt[toReconnect.peekFirst()] - System.nanoTime()) / 1_000_000));
        }
        ZmtpConnection.poll(selector, waitMs);
        workers.heartbeatIfDue(System.nanoTime());
      }
    }

    @Override
    public void onSession(ZmtpConnection c) {
      int i = c.index();
      workers.sendHello(i, hello[i]);
      hello[i] = null;
    }

    @Override
    public void onMessage(ZmtpConnection c, byte[] frame) {
      workers.onFrame(c.index(), frame);
    }

    @Override
    public void onEnd(ZmtpConnection c, ZmtpConnection.End end, String why) {
      int i = c.index();
      if (workers.isDone(i)) {
        return; // it had said goodbye (or was refused) already
      }
      if (reasonsLogged.getAndIncrement() < REASONS_LOGGED) {
        System.err.println("simulated worker " + (firstIndex + i) + ": connection " + end.name().toLowerCase()
            + ": " + why);
      }
      switch (end) {
        case FAILED -> {
          reconnects.incrementAndGet();
          reconnectAt[i] = System.nanoTime() + RECONNECT_NANOS; // the same delay for all: FIFO is time order
          toReconnect.addLast(i);
          return;
        }
        case REFUSED -> counters.refused.incrementAndGet();
        case LOST -> {
          lostConnections.incrementAndGet();
          counters.unfinished.incrementAndGet();
        }
      }
      workers.finish(i);
    }

    /** Called when the driver has stopped: workers that never finished. */
    void countUnfinished() {
      workers.countUnfinished();
    }

    void close() {
      if (connections != null) {
        for (ZmtpConnection c : connections) {
          if (c != null) {
            c.close();
          }
        }
      }
      try {
        if (selector != null) {
          selector.close();
        }
      } catch (IOException e) {
        // closing: nothing more to lose
      }
    }
  }
}
