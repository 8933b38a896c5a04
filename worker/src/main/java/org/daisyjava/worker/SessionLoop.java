package org.daisyjava.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.logging.Logger;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.Message.Abandon;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.AcquireBatch;
import org.daisyjava.core.protocol.Message.Assign;
import org.daisyjava.core.protocol.Message.AssignBatch;
import org.daisyjava.core.protocol.Message.Goodbye;
import org.daisyjava.core.protocol.Message.Heartbeat;
import org.daisyjava.core.protocol.Message.NoMoreBlocks;
import org.daisyjava.core.protocol.Message.Outcome;
import org.daisyjava.core.protocol.Message.Refuse;
import org.daisyjava.core.protocol.Message.Release;
import org.daisyjava.core.protocol.Message.ReleaseBatch;
import org.daisyjava.core.protocol.Message.Wait;
import org.daisyjava.core.protocol.ProtocolVersion;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The worker's life after {@code welcome}: one single-threaded poll loop that owns the socket. It
 * waits on the socket and on the {@link Wakeup} of the runner threads (and of {@link Worker#stop()}),
 * keeps a {@link PrefetchDepth} of blocks outstanding (at least one per slot), releases what the
 * runners finish, heartbeats when it has been silent (and, busy, now and then to report its usage),
 * and gives up when the scheduler has been.
 * However many slots, there is one connection and one heartbeat.
 *
 * <p>In a version-2 session (the welcome says so) it asks for what its slots and prefetch lack in
 * one {@code acquire}, and releases every block the runners finished since it last looked in one
 * {@code release} that asks for the next ones too; the scheduler answers with several blocks per
 * message. With a version-1 scheduler it sends one acquire per block and one release per block.
 */
final class SessionLoop {
  private static final Logger LOG = Logger.getLogger(SessionLoop.class.getName());
  /** Blocks held or requested at once: two, more while blocks are very short (PROTOCOL.md). */
  private final PrefetchDepth depth = new PrefetchDepth();
  /** How long an abandoned block may take to stop before the worker gives up on it (exit 4). */
  static final Duration ABANDON_GRACE = Duration.ofSeconds(5);
  /** How long the task's code gets to stop and tear down when the worker leaves early. */
  static final Duration LEAVE_GRACE = Duration.ofSeconds(3);
  static final long DEFAULT_HEARTBEAT_MS = 1000;
  static final int DEFAULT_LIVENESS = 5;
  private static final int CONTINUE = -1;
  private static final Message ACQUIRE = new Acquire();
  /**
   * A busy worker sends no heartbeats (its releases are its signs of life), so every this many
   * heartbeat intervals it sends one anyway, to report its process's usage (PROTOCOL.md): the
   * launcher has no other way to know it on another machine. At 10,000 workers, whose interval
   * is then 5 s, that is 200 small messages a second.
   */
  static final int USAGE_EVERY_HEARTBEATS = 10;

  private final ZContext zmq;
  private final SchedulerChannel channel;
  private final Wakeup wakeup;
  private final Queue<RunnerEvent> events;
  private final HeldBlocks heldBlocks;
  /** One per slot. */
  private final List<RunnerThread> runners;
  private final String codeDescription;
  private final StopRequest stop;
  private final DroppedFrames dropped;
  private final String who;
  private final long heartbeatNanos;
  private final long silenceNanos;
  /** The session's protocol version, as the welcome said. */
  private final ProtocolVersion version;

  /** Slots whose code is set up; blocks are asked for once all are. */
  private int readySlots;
  private boolean ready;
  private boolean noMoreBlocks;
  /** Blocks received and not yet released, dropped, or (abandoned) stopped. */
  private int held;
  /** Acquires not yet answered by a block or no_more_blocks. */
  private int requested;
  /** Abandoned blocks still running (at most one per slot), with when they must have stopped. */
  private final Map<Long, Long> stoppingDeadlines = new LinkedHashMap<>();
  private long lastNudge = System.nanoTime();
  /** When this worker last reported its usage (in a heartbeat). */
  private long lastUsageReport = System.nanoTime();
  private final UsageMeter usage;
  /** When the timers were last looked at (see {@link #checkTimers}). */
  private long lastTimerCheck = System.nanoTime();
  /** Releases of blocks the runner finished, sent once all its events are seen. */
  private final java.util.List<Release> pendingReleases = new java.util.ArrayList<>();

  SessionLoop(
      ZContext zmq,
      SchedulerChannel channel,
      Message.Welcome welcome,
      Wakeup wakeup,
      Queue<RunnerEvent> events,
      HeldBlocks heldBlocks,
      List<RunnerThread> runners,
      String codeDescription,
      StopRequest stop,
      DroppedFrames dropped,
      String who) {
    this.zmq = zmq;
    this.channel = channel;
    this.wakeup = wakeup;
    this.events = events;
    this.heldBlocks = heldBlocks;
    if (runners.isEmpty()) {
      throw new IllegalArgumentException("a worker needs at least one slot");
    }
    this.runners = List.copyOf(runners);
    this.usage = new UsageMeter(runners.get(0).startsProcesses()); // every slot runs the same code
    this.codeDescription = codeDescription;
    this.stop = stop;
    this.dropped = dropped;
    this.who = who;
    long heartbeatMs = welcome.heartbeatMillis();
    int liveness = welcome.liveness();
    if (heartbeatMs < 1 || liveness < 1) {
      LOG.warning(who + ": the welcome's heartbeat_ms " + heartbeatMs + " and liveness " + liveness
          + " are unusable; using " + DEFAULT_HEARTBEAT_MS + " and " + DEFAULT_LIVENESS);
      heartbeatMs = DEFAULT_HEARTBEAT_MS;
      liveness = DEFAULT_LIVENESS;
    }
    this.heartbeatNanos = heartbeatMs * 1_000_000;
    this.silenceNanos = heartbeatNanos * liveness;
    this.version = welcome.sessionVersion();
  }

  /** Runs until the worker leaves; returns its exit code. */
  int run() {
    for (RunnerThread runner : runners) {
      runner.start();
    }
    SocketWaiter waiter;
    try {
      waiter = new SocketWaiter(channel.socket(), wakeup.channel());
    } catch (IOException e) {
      LOG.severe(who + ": cannot wait on the socket: " + e);
      return leaveEarly(WorkerExitCodes.NO_SCHEDULER, "cannot wait on the socket", LEAVE_GRACE);
    }
    try {
      boolean busy = false;
      while (true) {
        boolean leave = stop.isRequested(); // before the pipe is read: takes up an interrupt
        wakeup.clear(); // then: what a signal announces is looked at below, so none is lost
        if (leave || stop.isRequested()) {
          if (stop.kind() == StopRequest.Kind.DRAIN) {
            LOG.info(who + ": the job's walltime is near; handing back and leaving");
            return leaveEarly(WorkerExitCodes.FINISHED, "walltime drain", LEAVE_GRACE);
          }
          LOG.info(who + ": asked to stop; leaving");
          return leaveEarly(WorkerExitCodes.STOPPED, "stopped", LEAVE_GRACE);
        }
        int code = handleRunnerEvents();
        if (code != CONTINUE) {
          return code;
        }
        if (noMoreBlocks && held == 0) {
          return finish();
        }
        acquireUpToLimit();
        if (!busy && !waiter.await(millisUntilNextDeadline())) {
          stop.interrupted(); // the wait ended on an interrupt of this thread
        }
        // after messages, look again before sleeping: a poll costs more than a look at the socket
        busy = false;
        Message message;
        while ((message = channel.receive()) != null) {
          busy = true;
          code = handle(message);
          if (code != CONTINUE) {
            return code;
          }
        }
        code = checkTimers();
        if (code != CONTINUE) {
          return code;
        }
      }
    } finally {
      try {
        waiter.close();
      } catch (IOException e) {
        LOG.fine(who + ": closing the selector: " + e);
      }
    }
  }

  private boolean wantsMore() {
    return ready && !noMoreBlocks && held + requested < depth.current(runners.size());
  }

  /** Blocks to ask for now: what the depth lacks, 0 if the worker wants none. */
  private int lacking() {
    return wantsMore() ? depth.current(runners.size()) - held - requested : 0;
  }

  private void acquireUpToLimit() {
    if (version == ProtocolVersion.V2) {
      int lacking = Math.min(lacking(), Message.MAX_BATCH);
      if (lacking > 0 && channel.send(new AcquireBatch(lacking))) {
        requested += lacking;
      }
      return; // a full queue: the scheduler is not reading; liveness will tell
    }
    while (wantsMore()) {
      if (!channel.send(ACQUIRE)) {
        return; // queue full: the scheduler is not reading; liveness will tell
      }
      requested++;
    }
  }

  private long millisUntilNextDeadline() {
    long now = System.nanoTime();
    long next = Math.min(channel.lastSent() + heartbeatNanos, channel.lastReceived() + silenceNanos);
    for (long deadline : stoppingDeadlines.values()) {
      next = Math.min(next, deadline);
    }
    long nanos = next - now;
    return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
  }

  private int checkTimers() {
    long now = System.nanoTime();
    // the loop looks at its timers at least once per heartbeat interval; a longer gap means this
    // thread was not running (GC, overload), and that time is not the scheduler's silence
    long gap = now - lastTimerCheck;
    lastTimerCheck = now;
    if (gap > heartbeatNanos) {
      channel.excuse(gap - heartbeatNanos, now);
    }
    if (now - channel.lastReceived() >= silenceNanos) {
      LOG.severe(who + ": the scheduler has been silent for "
          + (now - channel.lastReceived()) / 1_000_000 + " ms; leaving");
      return leaveEarly(WorkerExitCodes.NO_SCHEDULER, "scheduler silent", LEAVE_GRACE);
    }
    for (Map.Entry<Long, Long> stopping : stoppingDeadlines.entrySet()) {
      if (now - stopping.getValue() >= 0) {
        long id = stopping.getKey();
        LOG.severe(who + ": abandoned block " + id + " did not stop within "
            + ABANDON_GRACE.toSeconds() + " s; leaving");
        return leaveEarly(WorkerExitCodes.CODE_FAILED, "abandoned block " + id + " would not stop",
            Duration.ZERO);
      }
    }
    usage.lookIfDue(now);
    if (now - channel.lastSent() >= heartbeatNanos || now - lastUsageReport >= heartbeatNanos * USAGE_EVERY_HEARTBEATS) {
      channel.send(new Heartbeat(usage.report()));
      lastUsageReport = now;
    }
    // a scheduler heartbeats every interval: longer silence may be a reconnect that JeroMQ stalled
    if (now - channel.lastReceived() >= heartbeatNanos * 3 / 2 && now - lastNudge >= heartbeatNanos) {
      IoThreadNudge.nudge(zmq);
      lastNudge = now;
    }
    return CONTINUE;
  }

  private int handleRunnerEvents() {
    RunnerEvent event;
    while ((event = events.poll()) != null) {
      if (event instanceof RunnerEvent.Ready) {
        readySlots++;
        if (readySlots == runners.size()) {
          ready = true;
          LOG.info(who + ": " + codeDescription + " is set up"
              + (runners.size() == 1 ? "" : " in each of " + runners.size() + " slots"));
        }
      } else if (event instanceof RunnerEvent.Finished finished) {
        onFinished(finished);
        if (finished.broken()) {
          sendReleases(false);
          LOG.severe(who + ": the task's code cannot run more blocks: " + finished.error());
          return leaveEarly(WorkerExitCodes.CODE_FAILED, finished.error(),
              finished.breakage() == Breakage.WHOLE_TASK, LEAVE_GRACE);
        }
      } else if (event instanceof RunnerEvent.SetupFailed failed) {
        sendReleases(false);
        LOG.severe(who + ": the task's code could not be set up: " + failed.reason());
        return leaveEarly(WorkerExitCodes.CODE_FAILED, "setup failed: " + failed.reason(),
            failed.breakage() == Breakage.WHOLE_TASK, LEAVE_GRACE);
      }
    }
    sendReleases(true);
    return CONTINUE;
  }

  /**
   * Sends the releases of finished blocks. Each may ask for the next block in the same message
   * ({@code acquireMore}); that is decided only once every runner event is seen, so a worker
   * about to leave (broken code) asks for nothing.
   */
  private void sendReleases(boolean acquireMore) {
    if (version == ProtocolVersion.V2) {
      sendReleaseBatches(acquireMore);
      return;
    }
    for (Release r : pendingReleases) {
      int more = acquireMore && wantsMore() ? 1 : 0;
      requested += more;
      if (!channel.send(new Release(r.blockId(), r.success(), r.error(), more))) {
        LOG.warning(who + ": the release of block " + r.blockId()
            + " could not be queued: the scheduler is not reading");
      }
    }
    pendingReleases.clear();
  }

  /**
   * Version 2: the finished blocks in one release (more than {@link Message#MAX_BATCH} cannot be,
   * as no more are ever outstanding, but they would go in several), the last of which asks for
   * what the depth now lacks.
   */
  private void sendReleaseBatches(boolean acquireMore) {
    int from = 0;
    while (from < pendingReleases.size()) {
      int to = Math.min(pendingReleases.size(), from + Message.MAX_BATCH);
      List<Outcome> outcomes = new java.util.ArrayList<>(to - from);
      for (Release r : pendingReleases.subList(from, to)) {
        outcomes.add(new Outcome(r.blockId(), r.success(), r.error()));
      }
      int more = to == pendingReleases.size() && acquireMore ? Math.min(lacking(), Message.MAX_BATCH) : 0;
      requested += more;
      if (!channel.send(new ReleaseBatch(outcomes, more))) {
        LOG.warning(who + ": the release of " + outcomes.size() + " blocks could not be queued: the"
            + " scheduler is not reading");
      }
      from = to;
    }
    pendingReleases.clear();
  }

  private void onFinished(RunnerEvent.Finished finished) {
    held--;
    depth.finished(finished.nanos());
    long id = finished.block().id();
    stoppingDeadlines.remove(id);
    if (finished.block().cancellation().isCancelled()) {
      // given to someone else: releasing it would report on a lease this worker no longer has
      LOG.info(who + ": abandoned block " + id + " has stopped");
      return;
    }
    pendingReleases.add(new Release(id, finished.success(), finished.error()));
    if (finished.success()) {
      LOG.fine(() -> who + ": block " + id + " done");
    } else {
      LOG.warning(who + ": block " + id + " (attempt " + finished.block().attempt() + ") failed: "
          + finished.error());
    }
  }

  private int handle(Message message) {
    if (message instanceof Assign assign) {
      onBlock(assign);
    } else if (message instanceof AssignBatch batch) {
      for (Assign assign : batch.blocks()) {
        onBlock(assign);
      }
    } else if (message instanceof NoMoreBlocks) {
      onNoMoreBlocks();
    } else if (message instanceof Abandon abandon) {
      onAbandon(abandon);
    } else if (message instanceof Refuse refuse) {
      LOG.severe(who + ": the scheduler refused this worker: " + refuse.reason());
      return leaveEarly(WorkerExitCodes.NO_SCHEDULER, null, LEAVE_GRACE);
    } else if (!(message instanceof Wait) && !(message instanceof Heartbeat)) {
      dropped.drop("an unexpected " + message.type() + " message");
    }
    return CONTINUE;
  }

  private void onBlock(Assign assign) {
    if (requested > 0) {
      requested--;
    } else {
      LOG.warning(who + ": block " + assign.block().id() + " came without an acquire; running it");
    }
    held++;
    heldBlocks.add(new HeldBlock(assign.block(), assign.attempt()));
    LOG.fine(() -> who + ": got block " + assign.block().id() + " (attempt " + assign.attempt() + ")");
  }

  private void onNoMoreBlocks() {
    if (version == ProtocolVersion.V2) {
      requested = 0; // one no_more_blocks answers every request of a version-2 session
    } else if (requested > 0) {
      requested--;
    }
    if (!noMoreBlocks) {
      noMoreBlocks = true;
      LOG.info(who + ": no more blocks; finishing the " + held + " held");
    }
  }

  private void onAbandon(Abandon abandon) {
    long id = abandon.blockId();
    switch (heldBlocks.abandon(id)) {
      case DROPPED -> {
        held--;
        LOG.info(who + ": block " + id + " abandoned before it ran (" + abandon.reason() + "); dropped");
      }
      case STOPPING -> {
        stoppingDeadlines.put(id, System.nanoTime() + ABANDON_GRACE.toNanos());
        LOG.info(who + ": block " + id + " abandoned while running (" + abandon.reason() + "); stopping it");
      }
      case NOT_HELD -> LOG.info(who + ": abandon for block " + id + ", which this worker does not hold; ignored");
    }
  }

  /** After no_more_blocks, with every block released: goodbye, teardown, exit 0. */
  private int finish() {
    heldBlocks.close();
    channel.send(new Goodbye("no more blocks", false, usage.report()));
    LOG.info(who + ": all blocks done; leaving");
    try {
      for (RunnerThread runner : runners) {
        runner.awaitEnd(null); // the user's teardown: as long as it takes
      }
    } catch (InterruptedException e) {
      stop.interrupted(); // handed back to the caller once ZeroMQ is closed
    }
    return WorkerExitCodes.FINISHED;
  }

  /**
   * Leaves before the task is done: stops the running block, drops the others, says goodbye (unless
   * {@code goodbyeReason} is null) so the scheduler requeues them at once, and gives the code
   * {@code grace} to stop and tear down.
   */
  private int leaveEarly(int exitCode, String goodbyeReason, Duration grace) {
    return leaveEarly(exitCode, goodbyeReason, false, grace);
  }

  /** @param fatal the goodbye says that the task's code cannot run on any worker */
  private int leaveEarly(int exitCode, String goodbyeReason, boolean fatal, Duration grace) {
    heldBlocks.closeAndCancel();
    if (goodbyeReason != null) {
      channel.send(new Goodbye(goodbyeReason, fatal, usage.report()));
    }
    if (!grace.isZero()) {
      try {
        // one grace for all slots: they stop at the same time
        long deadline = System.nanoTime() + grace.toNanos();
        int stuck = 0;
        for (RunnerThread runner : runners) {
          Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
          if (!runner.awaitEnd(left)) {
            stuck++;
          }
        }
        if (stuck > 0) {
          LOG.warning(who + ": the task's code did not stop within " + grace.toMillis() + " ms"
              + (runners.size() == 1 ? "" : " in " + stuck + " of " + runners.size() + " slots")
              + "; leaving it");
        }
      } catch (InterruptedException e) {
        stop.interrupted(); // handed back to the caller once ZeroMQ is closed
      }
    }
    return exitCode;
  }
}
