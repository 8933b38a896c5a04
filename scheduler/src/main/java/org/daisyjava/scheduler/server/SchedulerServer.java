package org.daisyjava.scheduler.server;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.MessageCodec;
import org.daisyjava.core.protocol.ZmqSockets;
import org.daisyjava.scheduler.state.SchedulingState;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The scheduler's network side, a thin ZeroMQ loop around the {@link ProtocolEngine}: one thread
 * owns the ROUTER socket (made by {@link ZmqSockets}: CURVE, size limits, high-water marks), the
 * engine and the {@link SchedulingState}; nothing else touches them. Other threads talk to it
 * through {@link #post}, {@link #durable} and {@link #snapshot}; {@code check:} code runs on a
 * small pool of its own and posts its verdicts back.
 *
 * <p>Each loop turn: read the messages that arrived, run posted events, hand ready blocks to
 * waiting workers, and every few milliseconds send heartbeats, bury silent workers, expire leases
 * and publish a snapshot. Before a worker is declared dead every frame already waiting is read
 * first: a heartbeat that queued behind other peers' traffic is life, not silence. A malformed
 * frame never stops the loop (the engine drops it and charges the peer).
 */
public final class SchedulerServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SchedulerServer.class.getName());
  /** Messages read per turn before other work gets a chance. */
  private static final int READ_BATCH = 2000;
  /**
   * And the wall time a turn's reading may take. Usually 2000 messages take a few milliseconds;
   * but in a storm of thousands of connecting workers this thread is starved (each welcome it
   * sends wakes an I/O thread, which takes the processor from it): 2000 took 0.5–4.2 s, and the
   * snapshot, the serving of blocks and the housekeeping waited for them. With this bound, in a
   * storm of 10,000 (5 runs), the newest snapshot was at most 0.69–1.10 s old instead of
   * 2.66–4.22 s, the scheduler counted all connected after 6.73 / 7.57 / 9.73 s instead of
   * 8.36 / 9.25 / 11.93 s, and the workers were welcomed no later (the last after 6.31 / 7.12 /
   * 9.55 s against 7.17 / 8.78 / 9.14 s); 100 workers: 233,158 / 235,115 / 246,937 blocks/s
   * against 206,164 / 214,162 / 223,124, the same sitting.
   */
  private static final long READ_BATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  /** Reading what waits before burying anyone stops after this many (a flood never ends). */
  private static final int DRAIN_LIMIT = 200_000;
  /** Housekeeping (heartbeats, liveness, timeouts, snapshot) at most this often. */
  private static final long HOUSEKEEPING_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final int CHECK_THREADS = 2;

  private final ServerSettings settings;
  private final ProtocolEngine engine;
  private final Wakeup wakeup = new Wakeup();
  private final ConcurrentLinkedQueue<Runnable> events = new ConcurrentLinkedQueue<>();
  private final CountDownLatch bound = new CountDownLatch(1);
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final ExecutorService checkPool;
  private final DoneRecorder recorder;
  private volatile int port = -1;
  private volatile RuntimeException startFailure;
  private volatile ServerSnapshot snapshot;
  private volatile boolean stopRequested;
  /** The run is being stopped (see {@link #beginShutdown}); read by the loop thread. */
  private volatile boolean shuttingDown;
  private volatile long durableUpTo;
  private volatile Runnable whenFinished = () -> {};
  private Thread thread;

  // ---- owned by the loop thread ----
  private ZMQ.Socket socket;
  private ZmqSockets.ServerEndpoint endpoint;
  private long lastHousekeeping;
  private boolean busy;
  /** Whether the loop has published the snapshot in which every task is finished. */
  private boolean finishPublished;
  /** The receive timeout set on the socket now (ms; -1: JeroMQ's default, wait for ever). */
  private int receiveTimeoutMillis = -1;

  public SchedulerServer(SchedulingState state, ServerSettings settings, DoneRecorder recorder) {
    this.settings = settings;
    this.recorder = recorder;
    AtomicInteger n = new AtomicInteger();
    this.checkPool = new ThreadPoolExecutor(CHECK_THREADS, CHECK_THREADS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "daisy-check-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    this.engine = new ProtocolEngine(state, settings, recorder, this::send, checkPool, this::post);
    snapshot = engine.snapshot(System.nanoTime(), false, 0);
  }

  /** Binds the socket and starts the loop thread; returns the bound port. */
  public int start() {
    thread = new Thread(this::loop, "daisy-scheduler");
    thread.setDaemon(true);
    thread.start();
    try {
      bound.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the scheduler", e);
    }
    if (startFailure != null) {
      throw startFailure;
    }
    return port;
  }

  public int port() {
    return port;
  }

  /** Who sees every worker and block event (see {@link ServerObserver}); call before {@link #start}. */
  public void observe(ServerObserver o) {
    engine.observe(o);
  }

  /**
   * Runs {@code action} on the loop thread as soon as a snapshot shows every task finished,
   * instead of at the next housekeeping (for whoever waits for the end: a run's last 20 ms
   * otherwise); once. Call before {@link #start}.
   */
  public void whenFinished(Runnable action) {
    whenFinished = action;
  }

  /** Runs {@code event} on the loop thread (e.g. to abandon a task). Any thread. */
  public void post(Runnable event) {
    events.add(event);
    wakeup.wake();
  }

  /** Called by the recorder (any thread): every record up to {@code sequence} is on disk. */
  public void durable(long sequence) {
    if (sequence > durableUpTo) {
      durableUpTo = sequence;
      wakeup.wake();
    }
  }

  /** The latest view of the run (updated every few milliseconds). Any thread. */
  public ServerSnapshot snapshot() {
    return snapshot;
  }

  /** Gives up on a task (its workers keep dying): its remaining blocks fail with {@code reason}. */
  public void abandonTask(int task, String reason) {
    post(() -> {
      engine.state().abandon(task, reason);
      publishSnapshot(System.nanoTime());
    });
  }

  /**
   * Says that the run is being stopped (interrupted, or given up by the launcher) before its
   * workers are: from now on no block is handed out, and blocks whose lease ends without success
   * — killed with their worker, timed out, lost with a worker that left — are not failed
   * attempts (the stop caused it; they stay unfinished and run on resume). Blocks released as
   * done are still recorded. Any thread; takes effect for every message read after it returns.
   */
  public void beginShutdown() {
    shuttingDown = true;
    wakeup.wake();
  }

  /**
   * Stops the loop: records still being committed are flushed and counted, then the socket is
   * closed. Workers notice through missing heartbeats (the backend stops them anyway).
   */
  public void stop() {
    stopRequested = true;
    wakeup.wake();
  }

  /** Waits for the loop to end after {@link #stop}; false on timeout. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    stop();
    if (thread != null) {
      awaitTermination(Duration.ofSeconds(30));
    }
  }

  // ------------------------------------------------------------------ the loop

  private void loop() {
    try (ZContext context = ZmqSockets.serverContext(settings.expectedWorkers())) {
      ZmqSockets.reserveKeyPairs(settings.security(), settings.expectedWorkers());
      try {
        endpoint = ZmqSockets.router(context, settings.security(),
            ZmqSockets.backlogFor(settings.expectedWorkers(), ZmqSockets.somaxconn()));
        socket = endpoint.socket();
        serve(context);
      } finally {
        wakeup.close();
        if (endpoint != null) {
          endpoint.close(); // before the context: the authenticator's thread closes its own socket
        }
      }
    } catch (RuntimeException | Error e) {
      LOG.log(Level.SEVERE, "scheduler loop failed", e);
      startFailure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
      bound.countDown();
    } finally {
      publishSnapshot(System.nanoTime(), true);
      terminated.countDown();
    }
  }

  private void serve(ZContext context) {
    long skipped = engine.state().skipResumed();
    if (skipped > 0) {
      LOG.info("counted " + skipped + " blocks finished by the earlier run as skipped");
      publishSnapshot(System.nanoTime());
    }
    try {
      port = bind(socket);
      String inproc = "inproc://daisy-scheduler-" + System.identityHashCode(this) + "-" + System.nanoTime();
      socket.bind(inproc);
      wakeup.connect(context, inproc);
    } catch (RuntimeException e) {
      startFailure = e;
      bound.countDown();
      return;
    }
    bound.countDown();
    while (!stopRequested) {
      // wait in a blocking receive (messages or a wake-up end it); after messages, look again
      // at once: more may have come in meanwhile
      receiveTimeout(engine.hasWorkToServe(durableUpTo) || busy ? 0 : 10);
      busy = readMessages(READ_BATCH, READ_BATCH_NANOS) > 0;
      long now = System.nanoTime();
      if (shuttingDown) {
        engine.beginShutdown();
      }
      runEvents();
      engine.commitDurable(durableUpTo);
      engine.serveWaiting(now);
      if (!finishPublished && engine.state().allFinished()) {
        finishPublished = true;
        publishSnapshot(now);
        try {
          whenFinished.run();
        } catch (RuntimeException e) {
          LOG.log(Level.SEVERE, "the action for the run's end failed", e); // the loop goes on
        }
      }
      if (now - lastHousekeeping >= HOUSEKEEPING_NANOS) {
        if (engine.anySilent(now)) {
          // judge silence only on what has been read: the frames waiting may hold its heartbeat
          receiveTimeout(0);
          readMessages(DRAIN_LIMIT, Long.MAX_VALUE);
          now = System.nanoTime();
        }
        lastHousekeeping = now;
        engine.housekeeping(now);
        publishSnapshot(now);
      }
    }
    shutdown();
  }

  private int bind(ZMQ.Socket s) {
    String host = settings.bindHost();
    if (settings.portLow() == 0) {
      return s.bindToRandomPort("tcp://" + host, 1024, 65535);
    }
    for (int p = settings.portLow(); p <= settings.portHigh(); p++) {
      try {
        s.bind("tcp://" + host + ":" + p);
        return p;
      } catch (ZMQException e) {
        // taken: try the next one
      }
    }
    throw new IllegalStateException("no free port in " + settings.portLow() + "-" + settings.portHigh());
  }

  /**
   * Sets the socket's receive timeout if it is not that already: it changes a few times a turn at
   * most, and JeroMQ's option setter is one long switch that the loop would otherwise run, and
   * the JIT compile, every turn.
   */
  private void receiveTimeout(int millis) {
    if (millis != receiveTimeoutMillis) {
      socket.setReceiveTimeOut(millis);
      receiveTimeoutMillis = millis;
    }
  }

  /**
   * Reads and hands to the engine up to {@code limit} messages, or what comes in {@code forNanos}
   * (looked at every 64 messages), the first receive waiting up to the socket's receive timeout;
   * returns how many there were (wake-ups do not count). Each message's time is taken when it is
   * read.
   */
  private int readMessages(int limit, long forNanos) {
    int read = 0;
    long start = System.nanoTime();
    for (int i = 0; i < limit; i++) {
      if ((i & 63) == 63 && System.nanoTime() - start > forNanos) {
        return read;
      }
      byte[] routingId;
      try {
        routingId = socket.recv(i == 0 ? 0 : ZMQ.DONTWAIT);
      } catch (ZMQException e) {
        LOG.warning("receive failed: " + e);
        return read;
      }
      if (routingId == null) {
        return read;
      }
      byte[] body = socket.hasReceiveMore() ? socket.recv(0) : null;
      int extra = 0;
      while (socket.hasReceiveMore()) {
        socket.recv(0);
        extra++;
      }
      if (wakeup.isWakeup(routingId)) {
        continue;
      }
      read++;
      if (shuttingDown) {
        engine.beginShutdown(); // for every message read after beginShutdown returned
      }
      engine.onFrames(routingId, body, extra, System.nanoTime());
    }
    return read;
  }

  private void runEvents() {
    for (Runnable e = events.poll(); e != null; e = events.poll()) {
      try {
        e.run();
      } catch (RuntimeException ex) {
        LOG.log(Level.SEVERE, "event failed", ex);
      }
    }
  }

  private void shutdown() {
    if (recorder != null) {
      try {
        recorder.flush();
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "could not flush the checkpoint log", e);
      }
      engine.commitDurable(durableUpTo);
    }
    checkPool.shutdownNow();
  }

  /** The engine's outbox: never blocks; a peer whose queue is full loses the message. */
  private void send(byte[] routingId, Message m) {
    if (socket.sendMore(routingId)) {
      socket.send(MessageCodec.encode(m), ZMQ.DONTWAIT);
    }
  }

  private void publishSnapshot(long now) {
    publishSnapshot(now, false);
  }

  private void publishSnapshot(long now, boolean stopped) {
    snapshot = engine.snapshot(now, stopped, endpoint == null ? 0 : endpoint.refusedHandshakes());
  }
}
