package org.daisyjava.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.Fit;
import org.daisyjava.core.Roi;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.MessageCodec;
import org.daisyjava.core.protocol.ProtocolException;
import org.daisyjava.core.protocol.ProtocolVersion;
import org.daisyjava.core.protocol.WorkerKeyFile;
import org.daisyjava.core.protocol.WorkerSecurity;
import org.daisyjava.core.protocol.ZmqSockets;
import org.daisyjava.launcher.config.SchedulerSettings.Encryption;
import org.daisyjava.launcher.run.WorkerKeys;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.scheduler.graph.DependencyWalker;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.scheduler.checkpoint.CheckpointLog;
import org.daisyjava.scheduler.server.CheckpointRecorder;
import org.daisyjava.scheduler.server.SchedulerServer;
import org.daisyjava.scheduler.server.ServerObserver;
import org.daisyjava.scheduler.server.ServerSettings;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSettings;
import org.daisyjava.scheduler.state.SchedulingState;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Dependency latency (issue 14: "a block whose only upstream block has just been released starts
 * within 3 ms median"), through the real path: a real {@link SchedulerServer} with CURVE and the
 * durable checkpoint log in a JVM of its own (this class with {@code --scheduler}, as {@link
 * LoadScheduler}), and two simulated workers in this JVM that speak the protocol exactly (JeroMQ
 * DEALER sockets made by {@link ZmqSockets#dealer}, each with a context of its own like a worker
 * process, frames made and read by {@link MessageCodec}).
 *
 * <p><b>The pipeline.</b> Two chained 1-D tasks, {@code up} and {@code down} ({@code down}'s
 * upstream is {@code up}), with the same total ROI {@code [0, 10 n)}, read ROI = write ROI =
 * {@code [0, 10)} and no read/write conflict. Block k of {@code down} depends on block k of
 * {@code up} and on nothing else, exactly: {@link DependencyGraph} makes a block depend on (1)
 * blocks of the previous level of its own task at the conflict shifts — without conflicts there
 * is one level and no such block — and (2) every block of each upstream task whose write ROI
 * intersects its read ROI; block k of {@code down} reads {@code [10k, 10k+10)}, which is the write
 * ROI of block k of {@code up}, and {@code up}'s write ROIs tile the axis, so no other one touches
 * it. {@code up}'s blocks depend on nothing (all ready at the start). The scheduler side checks
 * this against the graph for every block before it starts.
 *
 * <p><b>The workers</b> behave as the daisy-java worker does with blocks that take no time: each
 * keeps two blocks outstanding (held or asked for), and a release asks for the next one ({@code
 * "acquire": 1}). The downstream worker therefore always has an acquire waiting in the scheduler:
 * PROTOCOL.md holds a request the scheduler cannot answer at once ({@code wait} in version 1,
 * nothing in version 2) and sends the block as soon as it is ready; the worker only waits in a
 * blocking receive (no back-off, no re-acquire: none exists in the protocol). A pair, repeated one
 * at a time:
 * <ol>
 *   <li>{@code t0} = {@link System#nanoTime} just before the upstream worker sends the release
 *       (success) of a block k it holds;
 *   <li>{@code t1} = the moment the downstream worker's receive returns the {@code block} message
 *       of {@code down}'s block k (checked: that block, alone). <b>Latency = t1 − t0</b>; both
 *       workers are in this JVM, so it is one clock;
 *   <li>the downstream worker releases block k asking for the next; in version 1 it waits for the
 *       {@code wait} that proves this acquire is queued. Version 2 sends none: there the next
 *       pair's release may leave a few microseconds after this release (other connection), but its
 *       block is ready only after a force of the log (~1 ms here), long after this acquire is read;
 *       were it read later, the block would reach the worker later, never earlier, so the figure
 *       can only err high. The upstream worker reads the block its release asked for, which is
 *       sent in the step that read the release: that round trip is reported as {@code rtt}, the
 *       scheduler's answer without the checkpoint log in between;
 *   <li>{@code -Dlatency.settleMs} (default 0) of pause before the next pair.
 * </ol>
 * Each worker has a thread of its own, blocked in a receive on its socket (a worker process's
 * loop), so both arrivals are stamped when they happen; a third thread starts each pair once
 * both have finished the one before.
 *
 * <p>The downstream block becomes ready only once the release's checkpoint record is durable (a
 * block counts as done only then; see {@code CheckpointLog}), so the latency holds: the loop
 * reading the release, the log's writer writing and forcing the record (group commit, forces at
 * least {@code CheckpointLog.DEFAULT_SYNC_INTERVAL} apart), its wake-up of the loop, the loop
 * handing out the block, and ZeroMQ with CURVE both ways. With settle 0 the downstream worker's own
 * release (also logged) was read just before, so its force may still run — as in a busy pipeline.
 * Each run also prints the latency's four legs ({@link #LEGS}) from the scheduler's own stamps.
 *
 * <p>The first {@code -Dlatency.warmup} pairs (default 300) are not counted (JIT). Cases: protocol
 * versions 1 and 2, each alone and with {@code -Dlatency.idle} (default 100) extra sessions
 * connected that hold nothing and only heartbeat (load on the scheduler's loop: heartbeats,
 * housekeeping). Each case runs against a fresh scheduler JVM and log, cases interleaved within
 * each repeat so that the machine's load hits all alike.
 *
 * <p>Arguments: {@code [pairs, default 2000] [repeats, default 3]}; {@code -Dlatency.plain=true}
 * without CURVE; {@code -Dlatency.syncIntervalMs=N} the log's forces at least N ms apart instead of
 * the default {@code CheckpointLog.DEFAULT_SYNC_INTERVAL} (2 ms; to see what pacing costs); {@code
 * -Dlatency.nolog=true} without the checkpoint log (to see its share; not what a run does); {@code
 * -Dlatency.schedulerJvm} extra options of the scheduler's JVM; {@code
 * -Dlatency.cases=v1,v2,v1+idle,v2+idle} which cases.
 */
public final class LatencyBench {
  private static final String UP = "up";
  private static final String DOWN = "down";
  /** Blocks each simulated worker keeps outstanding, as the daisy-java worker's minimum depth. */
  private static final int DEPTH = 2;
  /** A receive that takes this long means something is broken: the bench stops, it does not hang. */
  private static final int HANG_GUARD_MS = 20_000;

  private LatencyBench() {}

  /** One case: a protocol version and how many idle sessions are connected beside the two workers. */
  private record Case(String name, ProtocolVersion version, int idle) {}

  /** The measured pairs in order: the block released, and the workers' stamps (nanoTime). */
  private record Pairs(long[] block, long[] t0, long[] t1, long[] t2) {}

  /**
   * One run's measurements in nanoseconds, each sorted: the latency, the upstream worker's round
   * trip, and the latency's four legs (see {@link #LEGS}).
   */
  private record Run(long[] latency, long[] rtt, long[][] legs, String schedulerResult) {}

  /**
   * The legs of the latency, from stamps of both sides ({@code System.nanoTime} is the system's
   * monotonic clock on Linux, the same in every process of the machine): the worker's send until
   * the loop has read and decoded the release (ZeroMQ, CURVE, the loop waking); until the loop
   * counts the block done (the record appended, the log's writer waking, writing and forcing it,
   * waking the loop); until the loop hands out the downstream block; until the downstream worker
   * has it (ZeroMQ, CURVE, the worker waking). Stamped by a {@link ServerObserver} on the loop,
   * which a run has as well (the launcher's block map).
   */
  private static final String[] LEGS = {"to loop", "log", "hand-out", "to worker"};

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--scheduler")) {
      SchedulerSide.serve(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int warmup = Integer.getInteger("latency.warmup", 300);
    int idle = Integer.getInteger("latency.idle", 100);
    List<Case> cases = new ArrayList<>();
    for (String c : System.getProperty("latency.cases", "v1,v2,v1+idle,v2+idle").split(",")) {
      ProtocolVersion v = c.startsWith("v2") ? ProtocolVersion.V2 : ProtocolVersion.V1;
      cases.add(new Case(c.endsWith("+idle") ? c.replace("+idle", " + " + idle + " idle") : c, v,
          c.endsWith("+idle") ? idle : 0));
    }
    boolean plain = Boolean.getBoolean("latency.plain");
    String log = Boolean.getBoolean("latency.nolog") ? "NO checkpoint log" : "durable checkpoint log"
        + (System.getProperty("latency.syncIntervalMs") == null ? ""
        : " (forces >= " + Integer.getInteger("latency.syncIntervalMs") + " ms apart)");
    System.out.printf("dependency latency: release of an upstream block -> its only downstream block"
        + " received; %s, %s, %d pairs one at a time (+%d warm-up), settle %d ms; load average %s%n",
        plain ? "plain" : "CURVE", log, pairs, warmup, Integer.getInteger("latency.settleMs", 0),
        loadAverage());
    Map<Case, List<Run>> runs = new LinkedHashMap<>();
    for (int r = 0; r < repeats; r++) {
      for (Case c : cases) {
        Run run = run(c, pairs, warmup, plain);
        runs.computeIfAbsent(c, k -> new ArrayList<>()).add(run);
        System.out.printf("  %-16s latency %s | rtt %s | %s%n", c.name(), percentiles(run.latency()),
            percentiles(run.rtt()), run.schedulerResult());
        System.out.printf("  %-16s legs (p50/p90 ms): %s%n", "", legs(run.legs()));
      }
    }
    System.out.printf("summary, min/median/max over %d runs of each percentile (ms), load average %s:%n",
        repeats, loadAverage());
    for (Map.Entry<Case, List<Run>> e : runs.entrySet()) {
      System.out.printf("  %-16s latency %s%n", e.getKey().name(),
          acrossRuns(e.getValue().stream().map(Run::latency).toList()));
      System.out.printf("  %-16s rtt     %s%n", "", acrossRuns(e.getValue().stream().map(Run::rtt).toList()));
      for (int leg = 0; leg < LEGS.length; leg++) {
        int l = leg;
        System.out.printf("  %-16s %-9s p50 %s%n", "", LEGS[leg],
            acrossRuns(e.getValue().stream().map(r -> r.legs()[l]).toList(), 0.5));
      }
    }
  }

  // ------------------------------------------------------------------ one run

  private static Run run(Case c, int pairs, int warmup, boolean plain) throws Exception {
    Path dir = Files.createTempDirectory("daisy-latency");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> argv = new ArrayList<>(List.of(java));
    String extra = System.getProperty("latency.schedulerJvm", "");
    if (!extra.isBlank()) {
      argv.addAll(List.of(extra.trim().split("\\s+")));
    }
    int blocks = warmup + pairs + DEPTH;
    if (System.getProperty("latency.syncIntervalMs") != null) {
      argv.add("-Dlatency.syncIntervalMs=" + Integer.getInteger("latency.syncIntervalMs"));
    }
    argv.addAll(List.of("-cp", System.getProperty("java.class.path"), LatencyBench.class.getName(),
        "--scheduler", dir.toString(), Integer.toString(blocks), Boolean.toString(plain),
        Boolean.toString(Boolean.getBoolean("latency.nolog")), Integer.toString(2 + c.idle())));
    Process sched = new ProcessBuilder(argv).redirectError(dir.resolve("scheduler.err").toFile()).start();
    try {
      BufferedReader schedOut = new BufferedReader(new InputStreamReader(sched.getInputStream(),
          StandardCharsets.UTF_8));
      String portLine = expect(schedOut, "port ", dir);
      String endpoint = "tcp://127.0.0.1:" + portLine.split(" ")[1];
      WorkerSecurity security = WorkerKeyFile.read(Files.readString(dir.resolve("worker.key")));
      Pairs run;
      try (IdleSessions idlers = new IdleSessions(endpoint, security, c.idle());
          SimWorker up = new SimWorker(endpoint, security, UP, c.version());
          SimWorker down = new SimWorker(endpoint, security, DOWN, c.version())) {
        idlers.awaitWelcomed();
        run = pairs(up, down, pairs, warmup);
        up.goodbye();
        down.goodbye();
      }
      OutputStream in = sched.getOutputStream();
      in.write("stop\n".getBytes(StandardCharsets.US_ASCII));
      in.flush();
      String result = expect(schedOut, "result ", dir).substring("result ".length());
      sched.waitFor();
      Path stamps = dir.resolve("stamps");
      List<String> stampLines = Files.readAllLines(stamps);
      if (result.contains("dropped 0, lost 0,")) {
        try (Stream<Path> files = Files.walk(dir)) { // kept otherwise: its scheduler.err says why
          files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
      } else {
        result += " (kept " + dir + ")";
      }
      return measure(run, stampLines, result);
    } finally {
      sched.destroy();
      sched.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * The measured pairs (see the class comment). Each simulated worker runs on a thread of its own
   * that waits in a blocking receive on its socket, as a worker process does, so each arrival is
   * stamped when it happens, whichever comes first; this thread only starts each pair once both
   * have finished the one before.
   */
  private static Pairs pairs(SimWorker up, SimWorker down, int pairs, int warmup) throws Exception {
    int settleMs = Integer.getInteger("latency.settleMs", 0);
    int n = warmup + pairs;
    up.hello();
    down.hello();
    ArrayDeque<Long> held = new ArrayDeque<>();
    up.acquire(DEPTH);
    while (held.size() < DEPTH) {
      held.addAll(up.receiveBlocks(UP));
    }
    down.acquire(DEPTH);
    down.expectWaits(DEPTH);
    long[] released = new long[n];
    long[] started = new long[n];
    long[] t0 = new long[n];
    long[] t1 = new long[n];
    long[] t2 = new long[n];
    Semaphore go = new Semaphore(0);
    Semaphore upDone = new Semaphore(0);
    Semaphore downDone = new Semaphore(0);
    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread upThread = new Thread(() -> {
      try {
        for (int i = 0; i < n; i++) {
          go.acquire();
          long k = held.pollFirst();
          released[i] = k;
          byte[] release = up.release(k);
          t0[i] = System.nanoTime();
          up.send(release);
          // the block this release asked for, sent in the step that read it: the scheduler's
          // round trip without the checkpoint log in between
          held.addAll(up.receiveBlocks(UP));
          t2[i] = up.lastReceived;
          upDone.release();
        }
      } catch (Exception e) {
        failure.compareAndSet(null, e);
        upDone.release(n);
      }
    }, "latency-up");
    Thread downThread = new Thread(() -> {
      try {
        for (int i = 0; i < n; i++) {
          List<Long> got = down.receiveBlocks(DOWN);
          t1[i] = down.lastReceived;
          if (got.size() != 1) {
            throw new IOException(DOWN + " got " + got.size() + " blocks at once, expected one");
          }
          started[i] = got.get(0);
          down.send(down.release(got.get(0)));
          down.expectWaits(1);
          downDone.release();
        }
      } catch (Exception e) {
        failure.compareAndSet(null, e);
        downDone.release(n);
      }
    }, "latency-down");
    upThread.setDaemon(true);
    downThread.setDaemon(true);
    upThread.start();
    downThread.start();
    for (int i = 0; i < n && failure.get() == null; i++) {
      go.release();
      if (!upDone.tryAcquire(HANG_GUARD_MS, TimeUnit.MILLISECONDS)
          || !downDone.tryAcquire(HANG_GUARD_MS, TimeUnit.MILLISECONDS)) {
        throw new IOException("pair " + i + " did not finish within " + HANG_GUARD_MS + " ms");
      }
      if (failure.get() == null && released[i] != started[i]) {
        throw new IOException("released block " + released[i] + " of " + UP + ", but " + DOWN + " got "
            + started[i]);
      }
      if (settleMs > 0) {
        sleep(settleMs);
      }
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    upThread.join();
    downThread.join();
    return new Pairs(Arrays.copyOfRange(released, warmup, n), Arrays.copyOfRange(t0, warmup, n),
        Arrays.copyOfRange(t1, warmup, n), Arrays.copyOfRange(t2, warmup, n));
  }

  /** The run's figures from the workers' stamps and the scheduler's ({@code block read done start} lines). */
  private static Run measure(Pairs p, List<String> stampLines, String result) throws IOException {
    Map<Long, long[]> byBlock = new HashMap<>();
    for (String line : stampLines) {
      String[] f = line.split(" ");
      byBlock.put(Long.parseLong(f[0]), new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]),
          Long.parseLong(f[3])});
    }
    int n = p.block().length;
    long[] latency = new long[n];
    long[] rtt = new long[n];
    long[][] legs = new long[LEGS.length][n];
    for (int i = 0; i < n; i++) {
      latency[i] = p.t1()[i] - p.t0()[i];
      rtt[i] = p.t2()[i] - p.t0()[i];
      long[] s = byBlock.get(p.block()[i]);
      if (s == null) {
        throw new IOException("the scheduler has no stamps of block " + p.block()[i]);
      }
      legs[0][i] = s[0] - p.t0()[i];
      legs[1][i] = s[1] - s[0];
      legs[2][i] = s[2] - s[1];
      legs[3][i] = p.t1()[i] - s[2];
    }
    Arrays.sort(latency);
    Arrays.sort(rtt);
    for (long[] leg : legs) {
      Arrays.sort(leg);
    }
    return new Run(latency, rtt, legs, result);
  }

  // ------------------------------------------------------------------ simulated workers

  /**
   * One simulated worker of one task: a DEALER socket in a context of its own (one I/O thread, as
   * a worker process has), speaking {@code version} if the scheduler agrees.
   */
  private static final class SimWorker implements AutoCloseable {
    private final ZContext context = ZmqSockets.context();
    private final ZMQ.Socket socket;
    private final String task;
    private final ProtocolVersion offered;
    private ProtocolVersion session = ProtocolVersion.V1;
    /** {@link System#nanoTime} when the last receive returned. */
    long lastReceived;

    SimWorker(String endpoint, WorkerSecurity security, String task, ProtocolVersion version) {
      byte[] id = new byte[16];
      new SecureRandom().nextBytes(id);
      this.socket = ZmqSockets.dealer(context, security, id);
      this.task = task;
      this.offered = version;
      socket.setLinger(100);
      socket.connect(endpoint);
    }

    void hello() throws IOException {
      send(MessageCodec.encode(new Message.Hello(task, "latency-" + task, "localhost",
          ProcessHandle.current().pid(), null, null, 1, 0, offered)));
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HANG_GUARD_MS);
      socket.setReceiveTimeOut(2000);
      while (System.nanoTime() < deadline) {
        byte[] frame = socket.recv(0);
        if (frame == null) {
          nudge(context); // the JeroMQ fault the worker works around (worker/IoThreadNudge)
          continue;
        }
        if (decode(frame) instanceof Message.Welcome w) {
          session = w.sessionVersion();
          if (session != offered) {
            throw new IOException(task + ": offered protocol version " + offered.number() + ", got "
                + session.number());
          }
          socket.setReceiveTimeOut(HANG_GUARD_MS);
          return;
        }
      }
      throw new IOException(task + ": no welcome within " + HANG_GUARD_MS + " ms");
    }

    void acquire(int count) {
      if (session == ProtocolVersion.V2) {
        send(MessageCodec.encode(new Message.AcquireBatch(count)));
      } else {
        for (int i = 0; i < count; i++) {
          send(MessageCodec.encode(new Message.Acquire()));
        }
      }
    }

    /** A successful release of {@code id} that asks for the next block, as the worker sends it. */
    byte[] release(long id) {
      return MessageCodec.encode(session == ProtocolVersion.V2
          ? new Message.ReleaseBatch(List.of(new Message.Outcome(id, true, null)), 1)
          : new Message.Release(id, true, null, 1));
    }

    void send(byte[] frame) {
      if (!socket.send(frame, ZMQ.DONTWAIT)) {
        throw new IllegalStateException(task + ": could not send (queue full?)");
      }
    }

    /** The block ids of the next {@code block} message (heartbeats skipped); stamps its arrival. */
    List<Long> receiveBlocks(String expectedTask) throws IOException {
      while (true) {
        Message m = receive();
        if (m instanceof Message.Assign a) {
          checkTask(a.block().task(), expectedTask);
          return List.of(a.block().id());
        }
        if (m instanceof Message.AssignBatch b) {
          List<Long> ids = new ArrayList<>();
          for (Message.Assign a : b.blocks()) {
            checkTask(a.block().task(), expectedTask);
            ids.add(a.block().id());
          }
          return ids;
        }
        if (!(m instanceof Message.Heartbeat)) {
          throw new IOException(task + ": expected a block, got " + m.type());
        }
      }
    }

    /**
     * Version 1: reads the {@code wait}s that say that many acquires are queued in the scheduler.
     * Version 2 sends none; there the downstream acquire is read by the scheduler in the time the
     * upstream worker takes to read its own next block and send its release — see the report.
     */
    void expectWaits(int count) throws IOException {
      if (session == ProtocolVersion.V2) {
        return;
      }
      for (int seen = 0; seen < count; ) {
        Message m = receive();
        if (m instanceof Message.Wait) {
          seen++;
        } else if (!(m instanceof Message.Heartbeat)) {
          throw new IOException(task + ": expected wait, got " + m.type());
        }
      }
    }

    private Message receive() throws IOException {
      byte[] frame = socket.recv(0);
      lastReceived = System.nanoTime();
      if (frame == null) {
        throw new IOException(task + ": nothing from the scheduler within " + HANG_GUARD_MS + " ms");
      }
      return decode(frame);
    }

    private static void checkTask(String got, String expected) throws IOException {
      if (!got.equals(expected)) {
        throw new IOException("a block of task " + got + " where one of " + expected + " was expected");
      }
    }

    void goodbye() {
      send(MessageCodec.encode(new Message.Goodbye("latency bench done")));
    }

    @Override
    public void close() {
      socket.close();
      context.close();
    }
  }

  /**
   * Sessions that only keep themselves alive: each says hello (alternating between the two
   * tasks), never asks for a block, and sends a heartbeat every {@code heartbeat_ms}; one thread
   * with a poller drives all of them, in a context of its own.
   */
  private static final class IdleSessions implements AutoCloseable {
    /**
     * Sessions connected at once, the next batch when these are welcomed. All 100 at once, into a
     * scheduler JVM that has just started, on this loaded machine: its I/O threads spent seconds in
     * the CURVE handshakes (pure Java, not yet compiled), welcomes and heartbeats of sessions that
     * had finished theirs queued behind them, and up to 8 of 100 sessions were declared dead 5.0-5.2
     * s after their hello with no frame read from them since (measured with this bench).
     */
    private static final int CONNECT_BATCH = 10;
    private final ZContext context = new ZContext(1);
    private final List<ZMQ.Socket> sockets = new ArrayList<>();
    private final CountDownLatch welcomed;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    IdleSessions(String endpoint, WorkerSecurity security, int count) {
      welcomed = new CountDownLatch(count);
      context.getContext().setMaxSockets(count + 64);
      SecureRandom random = new SecureRandom();
      for (int i = 0; i < count; i++) {
        byte[] id = new byte[16];
        random.nextBytes(id);
        ZMQ.Socket s = ZmqSockets.dealer(context, security, id);
        s.setLinger(100);
        sockets.add(s);
      }
      thread = new Thread(() -> drive(endpoint), "latency-idle");
      thread.setDaemon(true);
      if (count > 0) {
        thread.start();
      }
    }

    private void drive(String endpoint) {
      long pid = ProcessHandle.current().pid();
      byte[] heartbeat = MessageCodec.encode(new Message.Heartbeat());
      boolean[] in = new boolean[sockets.size()];
      ZMQ.Poller poller = context.createPoller(sockets.size());
      for (ZMQ.Socket s : sockets) {
        poller.register(s, ZMQ.Poller.POLLIN);
      }
      int connected = 0;
      int welcomes = 0;
      long heartbeatNanos = TimeUnit.SECONDS.toNanos(1);
      long nextBeat = System.nanoTime() + heartbeatNanos;
      long nextNudge = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (!stop.get()) {
        if (welcomes == connected && connected < sockets.size()) {
          // a batch at a time: a storm of CURVE handshakes keeps the scheduler's I/O threads
          // busy for seconds, which is not what this case measures (see CONNECT_BATCH)
          for (int end = Math.min(sockets.size(), connected + CONNECT_BATCH); connected < end; connected++) {
            sockets.get(connected).connect(endpoint);
            sockets.get(connected).send(MessageCodec.encode(new Message.Hello(connected % 2 == 0 ? UP : DOWN,
                "idle-" + connected, "localhost", pid, null)), ZMQ.DONTWAIT);
          }
          nextNudge = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        }
        poller.poll(50);
        for (int i = 0; i < connected; i++) {
          if (!poller.pollin(i)) {
            continue;
          }
          for (byte[] f = sockets.get(i).recv(ZMQ.DONTWAIT); f != null; f = sockets.get(i).recv(ZMQ.DONTWAIT)) {
            if (decodeOrNull(f) instanceof Message.Welcome w && !in[i]) {
              in[i] = true;
              welcomes++;
              heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(w.heartbeatMillis());
              sockets.get(i).send(heartbeat, ZMQ.DONTWAIT); // a worker says something at once (its acquire)
              welcomed.countDown();
            }
          }
        }
        long now = System.nanoTime();
        if (welcomes < connected && now - nextNudge >= 0) {
          nudge(context);
          nextNudge = now + TimeUnit.SECONDS.toNanos(2);
        }
        if (now - nextBeat >= 0) {
          nextBeat = now + heartbeatNanos;
          for (int i = 0; i < connected; i++) {
            if (in[i]) {
              sockets.get(i).send(heartbeat, ZMQ.DONTWAIT);
            }
          }
        }
      }
      for (int i = 0; i < connected; i++) {
        sockets.get(i).send(MessageCodec.encode(new Message.Goodbye("latency bench done")), ZMQ.DONTWAIT);
      }
      poller.close();
    }

    void awaitWelcomed() throws IOException, InterruptedException {
      if (!welcomed.await(60, TimeUnit.SECONDS)) {
        throw new IOException(welcomed.getCount() + " idle sessions not welcomed within 60 s");
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      if (thread.isAlive()) {
        thread.join(10_000);
      }
      for (ZMQ.Socket s : sockets) {
        s.close();
      }
      context.close();
    }
  }

  /** Makes the context's I/O thread register its channels again (see worker/IoThreadNudge). */
  private static void nudge(ZContext context) {
    ZMQ.Socket throwaway = context.createSocket(SocketType.PAIR);
    try {
      ZmqSockets.limit(throwaway);
      throwaway.setLinger(0);
      throwaway.bind("tcp://127.0.0.1:*");
    } finally {
      throwaway.close();
    }
  }

  private static Message decode(byte[] frame) throws IOException {
    try {
      return MessageCodec.decode(frame);
    } catch (ProtocolException e) {
      throw new IOException("a frame the codec refuses: " + e.getMessage(), e);
    }
  }

  private static Message decodeOrNull(byte[] frame) {
    try {
      return MessageCodec.decode(frame);
    } catch (ProtocolException e) {
      return null;
    }
  }

  // ------------------------------------------------------------------ the scheduler's JVM

  /**
   * The scheduler of one run: the two-task graph built as the launcher builds it ({@link
   * DependencyGraph#of} over the tasks' geometries, {@code upstream} by name), one {@link
   * SchedulingState} over it, a {@link SchedulerServer} with CURVE and the durable log (minus the
   * launcher's observers). Prints {@code port N}; on a line on stdin prints {@code result ...}
   * (the blocks counted done, dropped messages, workers lost, the loop thread's CPU) and exits.
   */
  private static final class SchedulerSide {
    private SchedulerSide() {}

    static void serve(String[] args) throws Exception {
      Path dir = Path.of(args[0]);
      long blocks = Long.parseLong(args[1]);
      boolean plain = Boolean.parseBoolean(args[2]);
      boolean nolog = Boolean.parseBoolean(args[3]);
      int expected = Integer.parseInt(args[4]);
      Roi total = Roi.of(new long[] {0}, new long[] {10 * blocks});
      Roi block = Roi.of(new long[] {0}, new long[] {10});
      DependencyGraph graph = DependencyGraph.of(List.of(
          new TaskGeometry(UP, total, block, block, Fit.VALID, false, List.of()),
          new TaskGeometry(DOWN, total, block, block, Fit.VALID, false, List.of(UP))));
      checkOnlyUpstream(graph, blocks);
      SchedulingState state = new SchedulingState(graph, new int[] {0, 0}, null);
      String interval = System.getProperty("latency.syncIntervalMs");
      CheckpointRecorder log = CheckpointRecorder.create(dir.resolve("checkpoint.log"), "latency".getBytes(),
          interval == null ? CheckpointLog.DEFAULT_SYNC_INTERVAL : Duration.ofMillis(Long.parseLong(interval)));
      WorkerKeys keys = WorkerKeys.generate(plain ? Encryption.OFF : Encryption.CURVE);
      Files.writeString(dir.resolve("worker.key"), keys.workerFileText());
      TaskSettings noop = new TaskSettings(BlockCode.of(BlockCode.Kind.BUILTIN, "noop"), null, null);
      SchedulerServer server = new SchedulerServer(state, new ServerSettings("127.0.0.1", 0, 0,
          Duration.ofSeconds(1), 5, keys.server(), dir.toString(), List.of(noop, noop), expected),
          nolog ? null : log);
      log.attach(server);
      long[][] stamps = new long[3][(int) blocks]; // see LEGS; written on the loop, read after it ended
      server.observe(new ServerObserver() {
        // the loop's thread only
        private final Map<Long, long[]> seen = new HashMap<>();

        @Override
        public void blockEnded(int task, long block, long worker, int attempt, long runNanos, Ending ending,
            String error) {
          if (task == 0 && ending == Ending.SUCCEEDED) {
            stamps[0][(int) block] = System.nanoTime(); // the release was read and decoded
          }
        }

        @Override
        public void blockDone(int task, long block, boolean skipped) {
          if (task == 0) {
            stamps[1][(int) block] = System.nanoTime(); // durable: counted done
          }
        }

        @Override
        public void blockStarted(int task, long block, long worker, int attempt) {
          if (task == 1) {
            stamps[2][(int) block] = System.nanoTime(); // handed out, just before it is sent
          }
        }

        @Override
        public void workerJoined(long worker, int task, String name, String host, long pid, String job,
            String log) {
          long now = System.nanoTime();
          seen.put(worker, new long[] {now, now});
        }

        @Override
        public void workerHeard(long worker) {
          long[] t = seen.get(worker);
          if (t != null) {
            t[1] = System.nanoTime();
          }
        }

        @Override
        public void workerLeft(long worker, int task, String reason, boolean lost) {
          long[] t = seen.remove(worker);
          if (lost && t != null) { // none should be: say which, why and when (rare, so on the loop)
            long now = System.nanoTime();
            System.err.printf("worker %d of %s lost %d ms after its hello, %d ms after its last heartbeat"
                + " was read: %s%n", worker, graph.taskName(task), (now - t[0]) / 1_000_000,
                (now - t[1]) / 1_000_000, reason);
          }
        }
      });
      int port = server.start();
      System.out.println("port " + port);
      System.out.flush();
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
      Thread.sleep(100); // the goodbyes sent just before
      long loopCpu = 0;
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (info != null && info.getThreadName().equals("daisy-scheduler")) {
          loopCpu += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
        }
      }
      server.close();
      log.close();
      ServerSnapshot s = server.snapshot(); // the last one, published when the loop ended
      StringBuilder lines = new StringBuilder();
      for (int k = 0; k < blocks; k++) {
        if (stamps[0][k] != 0 && stamps[1][k] != 0 && stamps[2][k] != 0) {
          lines.append(k).append(' ').append(stamps[0][k]).append(' ').append(stamps[1][k]).append(' ')
              .append(stamps[2][k]).append('\n');
        }
      }
      Files.writeString(dir.resolve("stamps"), lines);
      System.out.printf("result done %d+%d, dropped %d, lost %d, loop CPU %d ms%n",
          s.tasks().get(0).counts().completed(), s.tasks().get(1).counts().completed(),
          s.peers().droppedMessages(), s.tasks().get(0).workersLost() + s.tasks().get(1).workersLost(),
          loopCpu / 1_000_000);
      System.out.flush();
      System.exit(0);
    }

    /** Fails unless block k of {@code down} has one upstream block, k of {@code up}, and those have none. */
    private static void checkOnlyUpstream(DependencyGraph graph, long blocks) {
      DependencyWalker walker = graph.walker();
      long[] seen = new long[3];
      for (long k = 0; k < blocks; k++) {
        long id = k;
        seen[0] = 0;
        walker.upstream(1, id, (task, upId) -> {
          seen[0]++;
          seen[1] = task;
          seen[2] = upId;
        });
        if (seen[0] != 1 || seen[1] != 0 || seen[2] != id) {
          throw new IllegalStateException("block " + id + " of " + DOWN + " has " + seen[0]
              + " upstream blocks");
        }
        walker.upstream(0, id, (task, upId) -> seen[0]++);
        if (seen[0] != 1) {
          throw new IllegalStateException("block " + id + " of " + UP + " has upstream blocks");
        }
      }
    }
  }

  // ------------------------------------------------------------------ output

  private static String percentiles(long[] sorted) {
    return String.format("min %.3f p50 %.3f p90 %.3f p99 %.3f max %.3f ms", ms(sorted[0]),
        ms(rank(sorted, 0.5)), ms(rank(sorted, 0.9)), ms(rank(sorted, 0.99)), ms(sorted[sorted.length - 1]));
  }

  private static String legs(long[][] legs) {
    StringBuilder b = new StringBuilder();
    for (int leg = 0; leg < LEGS.length; leg++) {
      b.append(String.format("%s%s %.3f/%.3f", leg == 0 ? "" : ", ", LEGS[leg], ms(rank(legs[leg], 0.5)),
          ms(rank(legs[leg], 0.9))));
    }
    return b.toString();
  }

  /** For each percentile, min/median/max of its value over the runs. */
  private static String acrossRuns(List<long[]> runs) {
    return String.format("min %s  p50 %s  p90 %s  p99 %s  max %s", acrossRuns(runs, 0), acrossRuns(runs, 0.5),
        acrossRuns(runs, 0.9), acrossRuns(runs, 0.99), acrossRuns(runs, 1));
  }

  /** Min/median/max over the runs of percentile {@code q}, in ms. */
  private static String acrossRuns(List<long[]> runs, double q) {
    double[] v = runs.stream().mapToDouble(r -> ms(rank(r, q))).sorted().toArray();
    return String.format("%.3f/%.3f/%.3f", v[0], v[v.length / 2], v[v.length - 1]);
  }

  /** The nearest-rank percentile {@code q} (0 = min, 1 = max) of sorted values. */
  private static long rank(long[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String expect(BufferedReader in, String key, Path dir) throws IOException {
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.startsWith(key)) {
        return line;
      }
    }
    throw new IOException("the scheduler ended before it said '" + key.trim() + "'; see "
        + dir.resolve("scheduler.err"));
  }
}
