package org.daisyjava.scheduler.server;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.daisyjava.core.Block;
import org.daisyjava.core.ProcessUsage;
import org.daisyjava.core.protocol.LogBudget;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.Message.Abandon;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.AcquireBatch;
import org.daisyjava.core.protocol.Message.Assign;
import org.daisyjava.core.protocol.Message.AssignBatch;
import org.daisyjava.core.protocol.Message.Goodbye;
import org.daisyjava.core.protocol.Message.Heartbeat;
import org.daisyjava.core.protocol.Message.Hello;
import org.daisyjava.core.protocol.Message.NoMoreBlocks;
import org.daisyjava.core.protocol.Message.Outcome;
import org.daisyjava.core.protocol.Message.Refuse;
import org.daisyjava.core.protocol.Message.Release;
import org.daisyjava.core.protocol.Message.ReleaseBatch;
import org.daisyjava.core.protocol.Message.Wait;
import org.daisyjava.core.protocol.Message.Welcome;
import org.daisyjava.core.protocol.MessageCodec;
import org.daisyjava.core.protocol.PeerText;
import org.daisyjava.core.protocol.ProtocolException;
import org.daisyjava.core.protocol.ProtocolVersion;
import org.daisyjava.scheduler.state.SchedulingState;

/**
 * The scheduler's side of the protocol without its transport: worker sessions, waiting acquires,
 * leases and their timeouts, liveness, the durable-commit pipeline, and the limits a peer is held
 * to. It is fed frames with the sender's routing id and answers through an {@link Outbox}; the
 * ZeroMQ loop ({@link SchedulerServer}) is one feeder, tests are another. Single-threaded: every
 * method runs on the owner's thread (the loop); {@code check:} code runs on {@code checkPool} and
 * its verdicts come back through {@code toLoop}.
 *
 * <p>Limits on a peer (PROTOCOL.md, "Limits"): at most {@link #MAX_OUTSTANDING} blocks held or
 * asked for; acquires beyond that are dropped. Every malformed frame or message the protocol does
 * not allow costs one of {@link #ERROR_BUDGET} errors; a peer that spends them all is ignored for
 * good (its session is buried and its frames are dropped unread). Log lines a peer can cause are
 * rate-limited ({@link LogBudget}) and quote its text escaped and cut ({@link PeerText}).
 *
 * <p>Versions (PROTOCOL.md, "Version 2"): a session speaks the newest version its worker's hello
 * offered. To a version-2 session, the blocks handed out during one step of the engine (one
 * message handled, one turn of {@link #serveWaiting}) go out together in one {@code block}
 * message when the step ends ({@link #flush}), it is sent no {@code wait}, and it gets one
 * {@code no_more_blocks} for all its requests; it may release and ask for several blocks in one
 * message. Leases, their clocks, the cap and the queue of waiting acquires are per block, the
 * same for both versions: a batched request is queued exactly as that many acquires.
 */
final class ProtocolEngine {
  private static final Logger LOG = Logger.getLogger(ProtocolEngine.class.getName());
  /** Blocks a worker may hold or have asked for at once (PROTOCOL.md). */
  static final int MAX_OUTSTANDING = 64;
  /** Protocol errors a peer may make before it is ignored; honest workers make none or few. */
  static final int ERROR_BUDGET = 100;
  /** Peers remembered for their errors or as ignored; the oldest are forgotten beyond this. */
  private static final int TRACKED_PEERS = 10_000;
  /** Requested worker ids remembered (see {@link #workerId}). */
  private static final int MAX_REQUESTED_IDS = 1_000_000;
  /** Checks of one task running at once on the check pool. */
  private static final int CHECKS_IN_FLIGHT = 8;
  /** Housekeeping runs every 20 ms; a gap longer than this means the loop itself was stalled. */
  private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
  /**
   * Lease timeouts are checked over a slice of the sessions per housekeeping turn, so that each
   * session is visited at least once per this many turns (20 ms each): a timeout is noticed at
   * most ~200 ms late, and a turn costs O(sessions / 10), not O(sessions).
   */
  private static final int LEASE_SWEEP_TURNS = 10;
  /** A failed block's error text is kept up to this for the summary. */
  private static final int MAX_ERROR_CHARS = 4000;

  private final SchedulingState state;
  private final ServerSettings settings;
  private final DoneRecorder recorder;
  private final Outbox out;
  private final Executor checkPool;
  private final Consumer<Runnable> toLoop;
  private final long heartbeatNanos;
  private final long deadNanos;
  private final LogBudget peerLog = new LogBudget(LOG, 20, TimeUnit.MINUTES.toNanos(1));
  private final LogBudget stallLog = new LogBudget(LOG, 3, TimeUnit.MINUTES.toNanos(1));

  private final Map<ByteBuffer, WorkerSession> sessions = new HashMap<>();
  /** Sessions by when they were last heard from, silent longest first (liveness). */
  private final RecencyList byHeard = new RecencyList();
  /** Sessions by when they were last sent anything, first heartbeat due first. */
  private final RecencyList bySent = new RecencyList();
  /** Every session, visited a slice per turn for lease timeouts; buried ones dropped when met. */
  private final ArrayList<WorkerSession> roster = new ArrayList<>();
  private int rosterCursor;
  private final boolean anyTimeout;
  /** Sessions up to which every snapshot counts the workers afresh. */
  private static final int RECOUNT_ALWAYS = 1000;
  private int[] workerCounts;
  private int[] slotCounts;
  private int[] idleCounts;
  private int snapshotsSinceRecount;
  /** Version-2 sessions with blocks (or a no_more_blocks) to send at the end of this step. */
  private final ArrayList<WorkerSession> toFlush = new ArrayList<>();
  /** The latest time the engine was given (frames, turns): stamps what it sends. */
  private long clock;
  /** Per task: workers (one entry per unanswered acquire) waiting for a block. */
  private final List<ArrayDeque<WorkerSession>> waiting = new ArrayList<>();
  /** Per task: blocks whose check said "not done", ready to hand out. */
  private final List<ArrayDeque<Long>> checked = new ArrayList<>();
  private final int[] checksRunning;
  /** Blocks released as done, in record order, waiting for their record to be durable. */
  private final ArrayDeque<long[]> committing = new ArrayDeque<>();
  private final long[] workersLost;
  /** Protocol errors per peer not (or no longer) in a session; bounded, oldest forgotten. */
  private final Map<ByteBuffer, int[]> strangerErrors = lru();
  private final Map<ByteBuffer, Boolean> ignored = lru();
  private long nextWorkerId = 1;
  /** Ids workers asked for and got ({@code hello.worker_id}); the counter above skips them. */
  private final Set<Long> requestedIds = new HashSet<>();
  private long dropped;
  private long refusedHellos;
  private long ignoredPeers;
  private boolean shuttingDown;
  /** Who sees every worker and block event; set before the loop starts. */
  private ServerObserver observer = ServerObserver.NONE;
  /** When housekeeping last ran; 0 before the first time. */
  private long lastHousekeeping;

  ProtocolEngine(SchedulingState state, ServerSettings settings, DoneRecorder recorder, Outbox out,
      Executor checkPool, Consumer<Runnable> toLoop) {
    if (settings.tasks().size() != state.taskCount()) {
      throw new IllegalArgumentException("settings for " + settings.tasks().size()
          + " tasks, graph has " + state.taskCount());
    }
    this.state = state;
    this.settings = settings;
    this.recorder = recorder;
    this.out = out;
    this.checkPool = checkPool;
    this.toLoop = toLoop;
    this.heartbeatNanos = settings.heartbeat().toNanos();
    this.deadNanos = settings.deadAfter().toNanos();
    this.workersLost = new long[state.taskCount()];
    this.checksRunning = new int[state.taskCount()];
    this.anyTimeout = settings.tasks().stream().anyMatch(t -> t.timeout() != null);
    for (int t = 0; t < state.taskCount(); t++) {
      waiting.add(new ArrayDeque<>());
      checked.add(new ArrayDeque<>());
    }
  }

  SchedulingState state() {
    return state;
  }

  /** From now on nothing is handed out and lost leases are not failed attempts (see the server). */
  /** See {@link SchedulerServer#observe}. */
  void observe(ServerObserver o) {
    observer = o;
  }

  void beginShutdown() {
    shuttingDown = true;
  }

  // ------------------------------------------------------------------ input

  /**
   * One message read from the wire: {@code body} is its first frame after the routing id (null if
   * there was none), {@code extraFrames} how many more followed it. Any frame from a known worker
   * counts as a sign of life, even one that is dropped.
   */
  void onFrames(byte[] routingId, byte[] body, int extraFrames, long now) {
    tick(now);
    ByteBuffer peer = ByteBuffer.wrap(routingId);
    if (ignored.containsKey(peer)) {
      dropped++;
      return;
    }
    WorkerSession s = sessions.get(peer);
    if (s != null) {
      byHeard.touch(s.heard, clock);
    }
    if (body == null || extraFrames > 0) {
      protocolError(peer, s, "a message of " + (body == null ? 0 : 1 + extraFrames)
          + " frames (the protocol uses one)");
      return;
    }
    Message m;
    try {
      m = MessageCodec.decode(body);
    } catch (ProtocolException e) {
      protocolError(peer, s, e.getMessage());
      return;
    }
    try {
      handle(peer, routingId, s, m, now);
    } catch (RuntimeException e) {
      // a bug or a state the message should not be able to produce: log it, keep serving
      LOG.log(Level.SEVERE, "failed to handle " + m.type() + " message", e);
      dropped++;
    } finally {
      flush();
    }
  }

  private void protocolError(ByteBuffer peer, WorkerSession s, String why) {
    dropped++;
    int errors;
    if (s != null) {
      errors = ++s.protocolErrors;
    } else {
      errors = ++strangerErrors.computeIfAbsent(peer, p -> new int[1])[0];
    }
    String from = s == null ? "an unknown peer" : s.describe();
    long total = dropped;
    peerLog.warn(() -> "dropped a message from " + from + ": " + PeerText.quote(why)
        + " (" + total + " dropped in all)");
    if (errors >= ERROR_BUDGET) {
      ignore(peer, s);
    }
  }

  /** A peer that spent its error budget: forgotten and not listened to any more. */
  private void ignore(ByteBuffer peer, WorkerSession s) {
    ignoredPeers++;
    ignored.put(peer, Boolean.TRUE);
    strangerErrors.remove(peer);
    long count = ignoredPeers;
    peerLog.warn(() -> (s == null ? "an unknown peer" : s.describe()) + " made " + ERROR_BUDGET
        + " protocol errors; ignoring it from now on (" + count + " ignored in all)");
    if (s != null) {
      bury(s, "was ignored after " + ERROR_BUDGET + " protocol errors", true);
    }
  }

  private void handle(ByteBuffer peer, byte[] routingId, WorkerSession s, Message m, long now) {
    if (m instanceof Hello h) {
      hello(peer, routingId, s, h, now);
      return;
    }
    if (s == null) {
      if (m instanceof Goodbye) {
        return; // e.g. a connection the worker gave up on before it was welcomed
      }
      out.send(routingId, new Refuse("unknown worker: say hello first (the scheduler may have"
          + " restarted, or this worker was declared dead)"));
      protocolError(peer, null, m.type() + " from an unknown worker");
      return;
    }
    if (m.version().compareTo(s.version) > 0) {
      protocolError(peer, s, "a version-" + m.version().number() + " " + m.type() + " from a worker"
          + " whose session is version " + s.version.number());
      return;
    }
    if (m instanceof Acquire) {
      if (!acquire(s, now)) {
        protocolError(peer, s, "acquire beyond the limit of " + MAX_OUTSTANDING + " outstanding blocks");
      }
    } else if (m instanceof AcquireBatch a) {
      acquireSeveral(peer, s, a.count(), now);
    } else if (m instanceof Release r) {
      releaseOne(peer, s, r.blockId(), r.success(), r.error(), now);
      acquireSeveral(peer, s, r.acquire(), now);
    } else if (m instanceof ReleaseBatch r) {
      for (Outcome o : r.blocks()) {
        if (s.gone) {
          return; // its last protocol error had it ignored: the rest of the message is dropped
        }
        releaseOne(peer, s, o.blockId(), o.success(), o.error(), now);
      }
      acquireSeveral(peer, s, r.acquire(), now);
    } else if (m instanceof Goodbye g) {
      LOG.fine(() -> s.describe() + " says goodbye" + (g.reason() == null ? "" : ": " + PeerText.quote(g.reason())));
      usage(s, g.usage());
      bury(s, "left (" + (g.reason() == null ? "goodbye" : PeerText.quote(g.reason())) + ")", false);
      if (g.fatal() && !shuttingDown && !state.isFinished(s.task)) {
        // the task's code cannot run on any worker (command not found, class missing): fail the
        // task now rather than each of its blocks on every worker in turn
        String why = g.reason() == null ? "no reason given" : PeerText.quote(g.reason());
        LOG.info("task " + state.graph().taskName(s.task) + " failed: " + s.describe()
            + " found that its code cannot run: " + why);
        state.abandon(s.task, "its code cannot run on any worker: " + why, s.describe());
      }
    } else if (m instanceof Heartbeat h) {
      observer.workerHeard(s.id);
      usage(s, h.usage());
    } else {
      protocolError(peer, s, "unexpected " + m.type() + " message from a worker");
    }
  }

  /** What the worker's process has used, as it reports it (only the observer keeps it). */
  private void usage(WorkerSession s, ProcessUsage usage) {
    if (usage != null) {
      observer.workerUsage(s.id, usage.cpuMillis(), usage.peakRssKb());
    }
  }

  private void hello(ByteBuffer peer, byte[] routingId, WorkerSession existing, Hello h, long now) {
    if (existing != null) {
      // the same worker again (reconnected): its leases are lost with its old session
      bury(existing, "said hello again", true);
    }
    int task = state.graph().taskIndex(h.task());
    if (task < 0) {
      refusedHellos++;
      peerLog.warn(() -> "refused worker " + PeerText.quote(h.name()) + ": unknown task "
          + PeerText.quote(h.task()));
      send(routingId, null, new Refuse("unknown task '" + PeerText.quote(h.task()) + "'"));
      protocolError(peer, null, "hello for an unknown task");
      return;
    }
    // the codec gives the newest version both the worker and this side speak
    ProtocolVersion version = h.newest();
    WorkerSession s = new WorkerSession(routingId, workerId(h.workerId()), task, PeerText.quote(h.name()),
        h.job() == null ? null : PeerText.quote(h.job()), h.log() == null ? null : PeerText.quote(h.log()),
        h.slots(), version, clock);
    sessions.put(peer, s);
    byHeard.touch(s.heard, clock);
    roster.add(s);
    strangerErrors.remove(peer);
    observer.workerJoined(s.id, task, s.name, PeerText.quote(h.host()), h.pid(), s.job, s.log);
    LOG.fine(() -> "welcome " + s.describe() + " for task " + h.task());
    send(routingId, s, new Welcome(s.id, settings.tasks().get(task).process(),
        settings.heartbeat().toMillis(), settings.liveness(), settings.runDir(), version));
  }

  /**
   * The id of a new worker: the one it asks for (the local backend's number, which its log
   * files carry) unless that id was given already, else the next one of the counter. An id the
   * counter has passed was given by it (requested ones are skipped), so a request below it is
   * taken only if it is itself a request not yet given — which the set says. At most
   * {@link #MAX_REQUESTED_IDS} requests are remembered; beyond, workers get counter ids.
   */
  private long workerId(long requested) {
    if (requested > 0 && requested >= nextWorkerId && requestedIds.size() < MAX_REQUESTED_IDS
        && requestedIds.add(requested)) {
      return requested;
    }
    while (requestedIds.contains(nextWorkerId)) {
      nextWorkerId++;
    }
    return nextWorkerId++;
  }

  /** One acquire; false (and dropped) if the worker already has its fill of blocks outstanding. */
  private boolean acquire(WorkerSession s, long now) {
    if (s.leases.size() + s.waiting >= MAX_OUTSTANDING) {
      return false;
    }
    if (state.isFinished(s.task)) {
      noMoreBlocks(s);
      return true;
    }
    s.waiting++;
    if (!handOut(s, now)) {
      waiting.get(s.task).add(s);
      if (s.version == ProtocolVersion.V1) {
        send(s.routingId, s, new Wait()); // version 2 sends none: its worker needs no such answer
      }
    }
    return true;
  }

  /**
   * {@code count} acquires (of a release, or a version-2 acquire); those beyond the cap are
   * dropped, and cost one protocol error for all.
   */
  private void acquireSeveral(ByteBuffer peer, WorkerSession s, int count, long now) {
    // a session buried by the release before (its error budget spent) must get no leases: they
    // would never go back to the queue
    for (int i = 0; i < count && !s.gone; i++) {
      if (!acquire(s, now)) {
        dropped += count - i - 1; // the acquires left out; protocolError counts one more
        protocolError(peer, s, "asking for " + count + " more blocks beyond the limit of "
            + MAX_OUTSTANDING + " outstanding");
        return;
      }
    }
  }

  /**
   * The task is finished: a version-1 worker gets a no_more_blocks for this acquire, a version-2
   * one a single no_more_blocks for all its requests at the end of this step.
   */
  private void noMoreBlocks(WorkerSession s) {
    if (s.version == ProtocolVersion.V1) {
      send(s.routingId, s, new NoMoreBlocks());
      return;
    }
    s.noMoreBlocksDue = true;
    listForFlush(s);
  }

  private void listForFlush(WorkerSession s) {
    if (!s.flushListed) {
      s.flushListed = true;
      toFlush.add(s);
    }
  }

  /**
   * The end of a step: each version-2 session gets the blocks handed to it during the step in
   * one message (in the order handed out, which is the order of its leases), then its
   * no_more_blocks. A session buried during the step gets nothing: its leases went back already.
   */
  private void flush() {
    for (int i = 0; i < toFlush.size(); i++) {
      WorkerSession s = toFlush.get(i);
      s.flushListed = false;
      if (!s.gone) {
        if (!s.batch.isEmpty()) {
          send(s.routingId, s, new AssignBatch(s.batch));
        }
        if (s.noMoreBlocksDue) {
          send(s.routingId, s, new NoMoreBlocks());
        }
      }
      s.batch.clear();
      s.noMoreBlocksDue = false;
    }
    toFlush.clear();
  }

  /** Gives {@code s} a ready block if there is one; false if none is ready now. */
  private boolean handOut(WorkerSession s, long now) {
    if (shuttingDown) {
      return false;
    }
    long id;
    if (settings.tasks().get(s.task).checker() == null) {
      id = state.take(s.task);
    } else {
      Long next = checked.get(s.task).pollFirst();
      id = next == null ? -1 : next;
    }
    if (id < 0) {
      return false;
    }
    Block block = state.graph().block(s.task, id);
    int attempt = state.attempt(s.task, id);
    s.leases.addLast(new Lease(id, attempt, now));
    observer.blockStarted(s.task, id, s.id, attempt);
    s.waiting--;
    if (s.version == ProtocolVersion.V1) {
      send(s.routingId, s, new Assign(block, attempt));
    } else {
      s.batch.add(new Assign(block, attempt));
      listForFlush(s);
    }
    return true;
  }

  /**
   * Starts checks for blocks of tasks with a {@code check:}, as many as there are workers
   * waiting (up to {@link #CHECKS_IN_FLIGHT}), on the check pool: a slow check (a file system
   * under load) then delays only the blocks it checks, never heartbeats or other tasks.
   */
  private void startChecks() {
    if (shuttingDown) {
      return;
    }
    for (int t = 0; t < waiting.size(); t++) {
      BlockChecker checker = settings.tasks().get(t).checker();
      if (checker == null) {
        continue;
      }
      int wanted = Math.min(CHECKS_IN_FLIGHT, waitingAcquires(t) - checked.get(t).size());
      while (checksRunning[t] < wanted) {
        long id = state.take(t);
        if (id < 0) {
          break;
        }
        checksRunning[t]++;
        Block block = state.graph().block(t, id);
        int task = t;
        checkPool.execute(() -> {
          boolean done = alreadyDone(checker, block);
          toLoop.accept(() -> checked(task, id, done));
        });
      }
    }
  }

  private int waitingAcquires(int t) {
    int n = 0;
    for (WorkerSession s : waiting.get(t)) {
      if (!s.gone && s.waiting > 0) {
        n++;
      }
    }
    return n;
  }

  /** Loop thread: a check's verdict. */
  private void checked(int task, long id, boolean done) {
    checksRunning[task]--;
    if (done) {
      commit(task, id, true);
    } else if (state.abandonReason(task) != null) {
      state.failed(task, id, state.abandonReason(task), "the scheduler");
    } else {
      checked.get(task).addLast(id);
    }
  }

  private static boolean alreadyDone(BlockChecker checker, Block block) {
    try {
      return checker.isDone(block);
    } catch (Exception | LinkageError e) {
      LOG.warning("check of block " + block.id() + " of task " + block.task() + " failed ("
          + e + "); running the block");
      return false;
    }
  }

  /**
   * One held block is finished (a version-1 release, or one entry of a version-2 one). A block
   * the worker does not hold costs a protocol error; the acquires of its message are still
   * answered.
   */
  private void releaseOne(ByteBuffer peer, WorkerSession s, long blockId, boolean success, String rawError,
      long now) {
    Lease lease = s.release(blockId, now);
    if (lease == null) {
      protocolError(peer, s, "release of block " + blockId + " which it does not hold");
    } else if (success) {
      observer.blockEnded(s.task, blockId, s.id, lease.attempt, now - lease.clockStart,
          ServerObserver.Ending.SUCCEEDED, null);
      commit(s.task, blockId, false);
    } else if (shuttingDown) {
      observer.blockEnded(s.task, blockId, s.id, lease.attempt, now - lease.clockStart,
          ServerObserver.Ending.STOPPED, rawError == null ? null : cut(rawError));
      LOG.info("block " + blockId + " of task " + state.graph().taskName(s.task)
          + " stopped by the shutdown on " + s.describe() + ": " + firstLine(rawError));
    } else {
      String error = rawError == null ? "failed (no error text)" : cut(rawError);
      boolean retry = state.failed(s.task, blockId, error, s.describe());
      observer.blockEnded(s.task, blockId, s.id, lease.attempt, now - lease.clockStart, ending(retry), error);
      LOG.info("block " + blockId + " of task " + state.graph().taskName(s.task) + " failed on "
          + s.describe() + (retry ? " (will retry)" : " for good") + ": " + firstLine(error));
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

  /** Counts the blocks whose records are durable up to {@code upTo}. */
  void commitDurable(long upTo) {
    while (!committing.isEmpty() && committing.peekFirst()[0] <= upTo) {
      long[] c = committing.pollFirst();
      state.succeeded((int) c[1], c[2], c[3] == 1);
      observer.blockDone((int) c[1], c[2], c[3] == 1);
    }
  }

  // ------------------------------------------------------------------ periodic work

  /** True if a turn of {@link #serveWaiting} or {@link #commitDurable} would do something now. */
  boolean hasWorkToServe(long durableUpTo) {
    for (int t = 0; t < waiting.size() && !shuttingDown; t++) {
      if (waiting.get(t).isEmpty()) {
        continue;
      }
      boolean checks = settings.tasks().get(t).checker() != null;
      if (checks ? !checked.get(t).isEmpty() || state.hasReady(t) && checksRunning[t]
          < Math.min(CHECKS_IN_FLIGHT, waiting.get(t).size()) : state.hasReady(t)) {
        return true;
      }
    }
    return !committing.isEmpty() && committing.peekFirst()[0] <= durableUpTo;
  }

  /** Answers waiting acquires of tasks that have ready blocks, or that finished. */
  void serveWaiting(long now) {
    tick(now);
    startChecks();
    for (int t = 0; t < waiting.size(); t++) {
      ArrayDeque<WorkerSession> q = waiting.get(t);
      failCheckedOfAbandoned(t);
      while (!q.isEmpty()) {
        WorkerSession s = q.peekFirst();
        if (s.gone || s.waiting <= 0) {
          q.pollFirst();
          continue;
        }
        if (state.isFinished(t)) {
          q.pollFirst();
          // version 2: one no_more_blocks answers all; its later entries find waiting at 0
          s.waiting = s.version == ProtocolVersion.V1 ? s.waiting - 1 : 0;
          noMoreBlocks(s);
          continue;
        }
        if (!handOut(s, now)) {
          break;
        }
        q.pollFirst();
      }
    }
    flush();
  }

  private void failCheckedOfAbandoned(int t) {
    String reason = state.abandonReason(t);
    ArrayDeque<Long> q = checked.get(t);
    while (reason != null && !q.isEmpty()) {
      state.failed(t, q.pollFirst(), reason, "the scheduler");
    }
  }

  /**
   * True if some worker has been silent long enough to be declared dead at {@code now}: only the
   * one silent longest needs a look ({@link RecencyList}).
   */
  boolean anySilent(long now) {
    RecencyList.Node oldest = byHeard.oldest();
    return oldest != null && now - oldest.stamp > deadNanos;
  }

  /**
   * Heartbeats, liveness and lease timeouts. The caller reads every frame that is waiting before
   * it calls this (see {@link SchedulerServer}), so a worker's heartbeat queued behind other
   * peers' traffic still counts, and only real silence buries a worker.
   *
   * <p>Cost: the silent workers and the heartbeats due are taken from the heads of their
   * recency lists (each worker heard from or sent to since is not looked at); lease timeouts are
   * checked over a slice of the sessions ({@link #LEASE_SWEEP_TURNS}).
   */
  void housekeeping(long now) {
    tick(now);
    excuseOwnStall(now);
    for (RecencyList.Node n = byHeard.oldest(); n != null && now - n.stamp > deadNanos; n = byHeard.oldest()) {
      bury(n.session, "stopped responding (no message for " + human(settings.deadAfter()) + ")", true);
    }
    for (RecencyList.Node n = bySent.oldest(); n != null && now - n.stamp >= heartbeatNanos; n = bySent.oldest()) {
      send(n.session.routingId, n.session, new Heartbeat()); // stamps it now: moves it to the end
    }
    sweepLeases(now);
  }

  /** Visits the next slice of the roster: lease timeouts; buried sessions leave it. */
  private void sweepLeases(long now) {
    int slice = Math.max(64, (roster.size() + LEASE_SWEEP_TURNS - 1) / LEASE_SWEEP_TURNS);
    for (int visited = 0; visited < slice && !roster.isEmpty(); visited++) {
      if (rosterCursor >= roster.size()) {
        rosterCursor = 0;
      }
      WorkerSession s = roster.get(rosterCursor);
      if (s.gone) {
        // swap-remove: the last one takes its place and is visited next
        roster.set(rosterCursor, roster.get(roster.size() - 1));
        roster.remove(roster.size() - 1);
        continue;
      }
      if (anyTimeout) {
        expireLeases(s, now);
      }
      rosterCursor++;
    }
  }

  /** The engine's clock: the latest time it was given, so that its stamps never go back. */
  private void tick(long now) {
    if (now > clock) {
      clock = now;
    }
  }

  /**
   * Silence is counted only over time the scheduler was listening. If this thread itself did not
   * run for a while (a GC pause, an overloaded machine: the loop turns every few milliseconds
   * otherwise), every worker's silence is shortened by that gap: their heartbeats may be sitting
   * in the kernel or with ZeroMQ's I/O thread, which was stalled as well, and a healthy worker
   * must not be declared dead — and its blocks run twice — because the scheduler was away.
   */
  private void excuseOwnStall(long now) {
    long gap = lastHousekeeping == 0 ? 0 : now - lastHousekeeping;
    lastHousekeeping = now;
    long expected = Math.min(heartbeatNanos, STALL_NANOS);
    if (gap > expected) {
      long excused = gap - expected;
      byHeard.shiftAll(excused, now);
      if (gap > heartbeatNanos) {
        stallLog.warn(() -> "the scheduler's loop did not run for " + gap / 1_000_000 + " ms (machine"
            + " overloaded or a long GC pause); that time does not count as workers' silence");
      }
    }
  }

  private void expireLeases(WorkerSession s, long now) {
    Duration timeout = settings.tasks().get(s.task).timeout();
    if (timeout == null || s.leases.isEmpty() || shuttingDown) {
      return;
    }
    // only the first `slots` leases are running; the others' clocks have not started. Collected
    // first: each release below starts the clock of the next waiting lease (which is not yet due)
    List<Lease> expired = null;
    int position = 0;
    for (Lease l : s.leases) {
      if (position++ >= s.slots) {
        break;
      }
      if (now - l.clockStart > timeout.toNanos()) {
        if (expired == null) {
          expired = new ArrayList<>(1);
        }
        expired.add(l);
      }
    }
    if (expired == null) {
      return;
    }
    for (Lease head : expired) {
      s.release(head.blockId, now);
      String reason = "timed out after " + human(timeout) + " on " + s.describe();
      boolean retry = state.failed(s.task, head.blockId, reason, s.describe());
      observer.blockEnded(s.task, head.blockId, s.id, head.attempt, now - head.clockStart, ending(retry), reason);
      LOG.info("block " + head.blockId + " of task " + state.graph().taskName(s.task) + " " + reason
          + (retry ? " (will retry)" : " (failed for good)"));
      send(s.routingId, s, new Abandon(head.blockId, reason));
    }
  }

  /**
   * Forgets a worker; the blocks it held go back to the queue as failed attempts.
   *
   * @param lost true if the worker did not leave in order (counted for the backend)
   */
  private void bury(WorkerSession s, String why, boolean lost) {
    s.gone = true;
    sessions.remove(ByteBuffer.wrap(s.routingId));
    byHeard.remove(s.heard);
    bySent.remove(s.sent);
    if (lost) {
      workersLost[s.task]++;
    }
    for (Lease l : s.leases) {
      if (shuttingDown) {
        LOG.info("block " + l.blockId + " of task " + state.graph().taskName(s.task) + ": "
            + s.describe() + " " + why + " during the shutdown; the block stays unfinished");
        observer.blockEnded(s.task, l.blockId, s.id, l.attempt, System.nanoTime() - l.clockStart,
            ServerObserver.Ending.STOPPED, why);
        continue;
      }
      boolean retry = state.failed(s.task, l.blockId, "worker " + why + " while running it",
          s.describe());
      observer.blockEnded(s.task, l.blockId, s.id, l.attempt, System.nanoTime() - l.clockStart,
          ending(retry), "worker " + why);
      LOG.info("block " + l.blockId + " of task " + state.graph().taskName(s.task) + ": "
          + s.describe() + " " + why + (retry ? "; block requeued" : "; block failed for good"));
    }
    s.leases.clear();
    observer.workerLeft(s.id, s.task, why, lost);
  }

  private static ServerObserver.Ending ending(boolean retry) {
    return retry ? ServerObserver.Ending.RETRY : ServerObserver.Ending.FAILED;
  }

  private void send(byte[] routingId, WorkerSession s, Message m) {
    out.send(routingId, m);
    if (s != null && !s.gone) {
      bySent.touch(s.sent, clock);
    }
  }

  // ------------------------------------------------------------------ views

  ServerSnapshot snapshot(long now, boolean stopped, long refusedHandshakes) {
    int n = state.taskCount();
    if (workerCounts == null || sessions.size() <= RECOUNT_ALWAYS || ++snapshotsSinceRecount >= LEASE_SWEEP_TURNS
        || stopped) {
      // a snapshot every 20 ms that visits 10,000 sessions would cost the loop more than the
      // rest of housekeeping: beyond RECOUNT_ALWAYS sessions, the per-task worker counts are
      // recounted every LEASE_SWEEP_TURNS-th snapshot (at most ~200 ms old; they are for display)
      snapshotsSinceRecount = 0;
      int[] workers = new int[n];
      int[] slots = new int[n];
      int[] idle = new int[n];
      for (WorkerSession s : sessions.values()) {
        workers[s.task]++;
        slots[s.task] += s.slots;
        if (s.leases.isEmpty()) {
          idle[s.task]++;
        }
      }
      workerCounts = workers;
      slotCounts = slots;
      idleCounts = idle;
    }
    int[] workers = workerCounts;
    int[] slots = slotCounts;
    int[] idle = idleCounts;
    List<TaskSnapshot> tasks = new ArrayList<>(n);
    for (int t = 0; t < n; t++) {
      tasks.add(new TaskSnapshot(state.graph().taskName(t), state.counts(t), state.hasReady(t),
          workers[t], slots[t], idle[t], workersLost[t], state.abandonReason(t)));
    }
    return new ServerSnapshot(now, List.copyOf(tasks), state.failures(), dropped,
        state.allFinished(), stopped, new PeerCounts(dropped, refusedHandshakes, refusedHellos, ignoredPeers));
  }

  /** A worker's error text as kept for the summary: its lines, but not a megabyte of them. */
  private static String cut(String error) {
    return error.length() <= MAX_ERROR_CHARS ? error
        : error.substring(0, MAX_ERROR_CHARS) + "\n… (" + (error.length() - MAX_ERROR_CHARS) + " more characters)";
  }

  private static <V> Map<ByteBuffer, V> lru() {
    return new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<ByteBuffer, V> eldest) {
        return size() > TRACKED_PEERS;
      }
    };
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return PeerText.quote(nl < 0 ? s : s.substring(0, nl) + " …");
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
