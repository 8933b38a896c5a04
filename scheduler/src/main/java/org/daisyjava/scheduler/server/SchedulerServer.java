package org.daisyjava.scheduler.server;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.daisyjava.core.Block;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.Message.Abandon;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.Assign;
import org.daisyjava.core.protocol.Message.Goodbye;
import org.daisyjava.core.protocol.Message.Heartbeat;
import org.daisyjava.core.protocol.Message.Hello;
import org.daisyjava.core.protocol.Message.NoMoreBlocks;
import org.daisyjava.core.protocol.Message.Refuse;
import org.daisyjava.core.protocol.Message.Release;
import org.daisyjava.core.protocol.Message.Wait;
import org.daisyjava.core.protocol.Message.Welcome;
import org.daisyjava.core.protocol.MessageCodec;
import org.daisyjava.core.protocol.ProtocolException;
import org.daisyjava.scheduler.state.SchedulingState;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The scheduler's network side: one thread runs a poll loop that owns the ZeroMQ ROUTER socket
 * and the {@link SchedulingState}; nothing else touches either. Other threads talk to it through
 * {@link #post}, {@link #durable} and {@link #snapshot}.
 *
 * <p>Each loop turn: read the messages that arrived, run posted events, hand ready blocks to
 * waiting workers, and every few milliseconds send heartbeats, bury silent workers (their blocks
 * go back to the queue), expire leases past the task's timeout and publish a snapshot.
 *
 * <p>A malformed frame, an unknown message type, another protocol version or a release of a
 * block the sender does not hold is logged and dropped; it never stops the loop.
 */
public final class SchedulerServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SchedulerServer.class.getName());
  /** Messages read per turn before other work gets a chance. */
  private static final int READ_BATCH = 2000;
  /** Housekeeping (heartbeats, liveness, timeouts, snapshot) at most this often. */
  private static final long HOUSEKEEPING_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final int LOGGED_DROPS = 20;


  private final SchedulingState state;
  private final ServerSettings settings;
  private final DoneRecorder recorder;
  private final long heartbeatNanos;
  private final long deadNanos;
  private final Wakeup wakeup = new Wakeup();
  private final ConcurrentLinkedQueue<Runnable> events = new ConcurrentLinkedQueue<>();
  private final CountDownLatch bound = new CountDownLatch(1);
  private final CountDownLatch terminated = new CountDownLatch(1);
  private volatile int port = -1;
  private volatile RuntimeException startFailure;
  private volatile ServerSnapshot snapshot;
  private volatile boolean stopRequested;
  /** The run is being stopped (see {@link #beginShutdown}); read by the loop thread. */
  private volatile boolean shuttingDown;
  private volatile long durableUpTo;
  private Thread thread;
  /** Set before {@link #start} (the thread start publishes it), then only read by the loop. */
  private ServerObserver observer = ServerObserver.NONE;

  // ---- owned by the loop thread ----
  private ZMQ.Socket socket;
  private final Map<ByteBuffer, WorkerSession> sessions = new HashMap<>();
  /** Per task: workers (one entry per unanswered acquire) waiting for a block. */
  private final List<ArrayDeque<WorkerSession>> waiting = new ArrayList<>();
  /** Blocks released as done, in record order, waiting for their record to be durable. */
  private final ArrayDeque<long[]> committing = new ArrayDeque<>();
  private final long[] workersLost;
  private long nextWorkerId = 1;
  private long dropped;
  private long lastHousekeeping;
  private boolean busy;

  public SchedulerServer(SchedulingState state, ServerSettings settings, DoneRecorder recorder) {
    if (settings.tasks().size() != state.taskCount()) {
      throw new IllegalArgumentException("settings for " + settings.tasks().size()
          + " tasks, graph has " + state.taskCount());
    }
    this.state = state;
    this.settings = settings;
    this.recorder = recorder;
    this.heartbeatNanos = settings.heartbeatInterval().toNanos();
    this.deadNanos = settings.deadAfter().toNanos();
    this.workersLost = new long[state.taskCount()];
    for (int t = 0; t < state.taskCount(); t++) {
      waiting.add(new ArrayDeque<>());
    }
    publishSnapshot(System.nanoTime());
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
    observer = o;
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
      state.abandon(task, reason);
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
    try (ZContext context = new ZContext(1)) {
      socket = context.createSocket(SocketType.ROUTER);
      socket.setLinger(0);
      socket.setRcvHWM(0);
      socket.setSndHWM(0);
      socket.setRouterMandatory(false); // a vanished worker's messages are dropped, not an error
      long skipped = state.skipResumed();
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
        socket.setReceiveTimeOut(hasWorkToServe() || busy ? 0 : 10);
        long now = System.nanoTime();
        busy = readMessages(now);
        now = System.nanoTime();
        runEvents();
        commitDurable();
        serveWaiting(now);
        if (now - lastHousekeeping >= HOUSEKEEPING_NANOS) {
          lastHousekeeping = now;
          housekeeping(now);
        }
      }
      shutdown();
      wakeup.close();
    } catch (RuntimeException | Error e) {
      LOG.log(Level.SEVERE, "scheduler loop failed", e);
      startFailure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
      bound.countDown();
    } finally {
      publishSnapshot(System.nanoTime(), true);
      terminated.countDown();
    }
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

  private boolean hasWorkToServe() {
    for (int t = 0; t < waiting.size() && !shuttingDown; t++) {
      if (!waiting.get(t).isEmpty() && state.hasReady(t)) {
        return true;
      }
    }
    return !committing.isEmpty() && committing.peekFirst()[0] <= durableUpTo;
  }

  /**
   * Reads and handles what has arrived, the first receive waiting up to the socket's receive
   * timeout; true if there was a message (wake-ups do not count).
   */
  private boolean readMessages(long now) {
    boolean any = false;
    for (int i = 0; i < READ_BATCH; i++) {
      byte[] routingId = socket.recv(i == 0 ? 0 : ZMQ.DONTWAIT);
      if (routingId == null) {
        return any;
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
      any = true;
      if (body == null || extra > 0) {
        drop(null, "message of " + (body == null ? 0 : 1 + extra) + " frames (expected 1)");
        continue;
      }
      Message m;
      try {
        m = MessageCodec.decode(body);
      } catch (ProtocolException e) {
        drop(sessions.get(ByteBuffer.wrap(routingId)), e.getMessage());
        continue;
      }
      try {
        handle(routingId, m, now);
      } catch (RuntimeException e) {
        // a bug or a state the message should not be able to produce: log it, keep serving
        LOG.log(Level.SEVERE, "failed to handle " + m.type() + " message", e);
        dropped++;
      }
    }
    return any;
  }

  private void drop(WorkerSession from, String why) {
    dropped++;
    if (dropped <= LOGGED_DROPS || dropped % 1000 == 0) {
      LOG.warning("dropped a message" + (from == null ? "" : " from " + from.describe()) + ": "
          + why + (dropped == LOGGED_DROPS ? " (further drops are logged every 1000th)" : ""));
    }
  }

  private void handle(byte[] routingId, Message m, long now) {
    WorkerSession s = sessions.get(ByteBuffer.wrap(routingId));
    if (m instanceof Hello h) {
      hello(routingId, s, h, now);
      return;
    }
    if (s == null) {
      send(routingId, null, new Refuse("unknown worker: say hello first (the scheduler may have"
          + " restarted, or this worker was declared dead)"));
      drop(null, m.type() + " from an unknown worker");
      return;
    }
    s.lastHeard = now;
    if (m instanceof Acquire) {
      acquire(s, now);
    } else if (m instanceof Release r) {
      release(s, r, now);
    } else if (m instanceof Goodbye g) {
      LOG.fine(() -> s.describe() + " says goodbye" + (g.reason() == null ? "" : ": " + g.reason()));
      bury(s, "left (" + (g.reason() == null ? "goodbye" : g.reason()) + ")", false);
      if (g.fatal() && !shuttingDown && !state.isFinished(s.task)) {
        // the task's code cannot run on any worker (command not found, class missing): fail the
        // task now rather than each of its blocks on every worker in turn
        LOG.info("task " + state.graph().taskName(s.task) + " failed: " + s.describe()
            + " found that its code cannot run: " + g.reason());
        state.abandon(s.task, "its code cannot run on any worker: " + g.reason(), s.describe());
      }
    } else if (m instanceof Heartbeat) {
      observer.workerHeard(s.id);
    } else {
      drop(s, "unexpected " + m.type() + " message from a worker");
    }
  }

  private void hello(byte[] routingId, WorkerSession existing, Hello h, long now) {
    if (existing != null) {
      // the same worker again (reconnected): its leases are lost with its old session
      bury(existing, "said hello again", true);
    }
    String key = settings.key();
    if (key != null && !key.equals(h.key())) {
      LOG.warning("refused worker " + h.name() + " on " + h.host() + ": wrong key");
      send(routingId, null, new Refuse("wrong key: this worker belongs to another run"));
      return;
    }
    int task = state.graph().taskIndex(h.task());
    if (task < 0) {
      LOG.warning("refused worker " + h.name() + ": unknown task '" + h.task() + "'");
      send(routingId, null, new Refuse("unknown task '" + h.task() + "'"));
      return;
    }
    WorkerSession s = new WorkerSession(routingId, nextWorkerId++, task, h.name(), h.job(), h.log(), now);
    sessions.put(ByteBuffer.wrap(routingId), s);
    observer.workerJoined(s.id, task, h.name(), h.host(), h.pid(), h.job(), h.log());
    LOG.fine(() -> "welcome " + s.describe() + " for task " + h.task());
    send(routingId, s, new Welcome(s.id, settings.tasks().get(task).process(),
        settings.heartbeatInterval().toMillis(), settings.liveness(), settings.runDir()));
  }

  private void acquire(WorkerSession s, long now) {
    if (state.isFinished(s.task)) {
      send(s.routingId, s, new NoMoreBlocks());
      return;
    }
    s.waiting++;
    if (!handOut(s, now)) {
      waiting.get(s.task).add(s);
      send(s.routingId, s, new Wait());
    }
  }

  /** Gives {@code s} a ready block if there is one; false if none is ready now. */
  private boolean handOut(WorkerSession s, long now) {
    if (shuttingDown) {
      return false;
    }
    TaskSettings ts = settings.tasks().get(s.task);
    while (true) {
      long id = state.take(s.task);
      if (id < 0) {
        return false;
      }
      Block block = state.graph().block(s.task, id);
      if (ts.checker() != null && alreadyDone(ts.checker(), block)) {
        commit(s.task, id, true);
        continue;
      }
      int attempt = state.attempt(s.task, id);
      s.leases.addLast(new Lease(id, attempt, now));
      observer.blockStarted(s.task, id, s.id, attempt);
      s.waiting--;
      send(s.routingId, s, new Assign(block, attempt));
      return true;
    }
  }

  private boolean alreadyDone(BlockChecker checker, Block block) {
    try {
      return checker.isDone(block);
    } catch (Exception e) {
      LOG.warning("check of block " + block.id() + " of task " + block.task() + " failed ("
          + e + "); running the block");
      return false;
    }
  }

  private void release(WorkerSession s, Release r, long now) {
    Lease lease = s.release(r.blockId(), now);
    if (lease == null) {
      drop(s, "release of block " + r.blockId() + " which it does not hold");
    } else if (r.success()) {
      observer.blockEnded(s.task, r.blockId(), s.id, lease.attempt, now - lease.clockStart, ServerObserver.Ending.SUCCEEDED, null);
      commit(s.task, r.blockId(), false);
    } else if (shuttingDown) {
      observer.blockEnded(s.task, r.blockId(), s.id, lease.attempt, now - lease.clockStart, ServerObserver.Ending.STOPPED, r.error());
      LOG.info("block " + r.blockId() + " of task " + state.graph().taskName(s.task)
          + " stopped by the shutdown on " + s.describe() + ": " + firstLine(r.error() == null ? "" : r.error()));
    } else {
      String error = r.error() == null ? "failed (no error text)" : r.error();
      boolean retry = state.failed(s.task, r.blockId(), error, s.describe());
      observer.blockEnded(s.task, r.blockId(), s.id, lease.attempt, now - lease.clockStart, ending(retry), error);
      LOG.info("block " + r.blockId() + " of task " + state.graph().taskName(s.task) + " failed on "
          + s.describe() + (retry ? " (will retry)" : " for good") + ": " + firstLine(error));
    }
    // the worker counts on an answer to every block it asked for, whatever became of the release
    for (int i = 0; i < r.acquire(); i++) {
      acquire(s, now);
    }
  }

  /** A block is done: make it durable first, then count it (see {@link #commitDurable}). */
  private void commit(int task, long id, boolean skipped) {
    if (recorder == null) {
      state.succeeded(task, id, skipped);
      observer.blockDone(task, id, skipped);
      return;
    }
    long seq = recorder.record(task, id, skipped);
    committing.addLast(new long[] {seq, task, id, skipped ? 1 : 0});
  }

  private void commitDurable() {
    long upTo = durableUpTo;
    while (!committing.isEmpty() && committing.peekFirst()[0] <= upTo) {
      long[] c = committing.pollFirst();
      state.succeeded((int) c[1], c[2], c[3] == 1);
      observer.blockDone((int) c[1], c[2], c[3] == 1);
    }
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

  /** Answers waiting acquires of tasks that have ready blocks, or that finished. */
  private void serveWaiting(long now) {
    for (int t = 0; t < waiting.size(); t++) {
      ArrayDeque<WorkerSession> q = waiting.get(t);
      while (!q.isEmpty()) {
        WorkerSession s = q.peekFirst();
        if (s.gone || s.waiting <= 0) {
          q.pollFirst();
          continue;
        }
        if (state.isFinished(t)) {
          q.pollFirst();
          s.waiting--;
          send(s.routingId, s, new NoMoreBlocks());
          continue;
        }
        if (!state.hasReady(t) || !handOut(s, now)) {
          break;
        }
        q.pollFirst();
      }
    }
  }

  private void housekeeping(long now) {
    List<WorkerSession> silent = new ArrayList<>();
    for (WorkerSession s : sessions.values()) {
      if (now - s.lastHeard > deadNanos) {
        silent.add(s);
        continue;
      }
      expireLeases(s, now);
      if (now - s.lastSent >= heartbeatNanos) {
        send(s.routingId, s, new Heartbeat());
      }
    }
    for (WorkerSession s : silent) {
      bury(s, "stopped responding (no message for " + human(settings.deadAfter()) + ")", true);
    }
    publishSnapshot(now);
  }

  private void expireLeases(WorkerSession s, long now) {
    Duration timeout = settings.tasks().get(s.task).timeout();
    if (timeout == null || s.leases.isEmpty() || shuttingDown) {
      return;
    }
    Lease head = s.leases.peekFirst();
    if (now - head.clockStart <= timeout.toNanos()) {
      return;
    }
    s.release(head.blockId, now);
    String reason = "timed out after " + human(timeout) + " on " + s.describe();
    boolean retry = state.failed(s.task, head.blockId, reason, s.describe());
    observer.blockEnded(s.task, head.blockId, s.id, head.attempt, now - head.clockStart, ending(retry), reason);
    LOG.info("block " + head.blockId + " of task " + state.graph().taskName(s.task) + " " + reason
        + (retry ? " (will retry)" : " (failed for good)"));
    send(s.routingId, s, new Abandon(head.blockId, reason));
  }

  /**
   * Forgets a worker; the blocks it held go back to the queue as failed attempts.
   *
   * @param lost true if the worker did not leave in order (counted for the backend)
   */
  private void bury(WorkerSession s, String why, boolean lost) {
    s.gone = true;
    sessions.remove(ByteBuffer.wrap(s.routingId));
    if (lost) {
      workersLost[s.task]++;
    }
    for (Lease l : s.leases) {
      if (shuttingDown) {
        LOG.info("block " + l.blockId + " of task " + state.graph().taskName(s.task) + ": "
            + s.describe() + " " + why + " during the shutdown; the block stays unfinished");
        observer.blockEnded(s.task, l.blockId, s.id, l.attempt, System.nanoTime() - l.clockStart, ServerObserver.Ending.STOPPED, why);
        continue;
      }
      boolean retry = state.failed(s.task, l.blockId, "worker " + why + " while running it",
          s.describe());
      observer.blockEnded(s.task, l.blockId, s.id, l.attempt, System.nanoTime() - l.clockStart, ending(retry), "worker " + why);
      LOG.info("block " + l.blockId + " of task " + state.graph().taskName(s.task) + ": "
          + s.describe() + " " + why + (retry ? "; block requeued" : "; block failed for good"));
    }
    s.leases.clear();
    observer.workerLeft(s.id, s.task, why, lost);
  }

  private void shutdown() {
    if (recorder != null) {
      try {
        recorder.flush();
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "could not flush the checkpoint log", e);
      }
      commitDurable();
    }
  }

  private void send(byte[] routingId, WorkerSession s, Message m) {
    socket.sendMore(routingId);
    socket.send(MessageCodec.encode(m), 0);
    if (s != null) {
      s.lastSent = System.nanoTime();
    }
  }

  private void publishSnapshot(long now) {
    publishSnapshot(now, false);
  }

  private void publishSnapshot(long now, boolean stopped) {
    int n = state.taskCount();
    int[] workers = new int[n];
    int[] idle = new int[n];
    for (WorkerSession s : sessions.values()) {
      workers[s.task]++;
      if (s.leases.isEmpty()) {
        idle[s.task]++;
      }
    }
    List<TaskSnapshot> tasks = new ArrayList<>(n);
    for (int t = 0; t < n; t++) {
      tasks.add(new TaskSnapshot(state.graph().taskName(t), state.counts(t), state.hasReady(t),
          workers[t], idle[t], workersLost[t], state.abandonReason(t)));
    }
    snapshot = new ServerSnapshot(now, List.copyOf(tasks), state.failures(), dropped,
        state.allFinished(), stopped);
  }

  private static ServerObserver.Ending ending(boolean retry) {
    return retry ? ServerObserver.Ending.RETRY : ServerObserver.Ending.FAILED;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl) + " …";
  }

  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
