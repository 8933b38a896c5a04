package org.daisyjava.core.protocol;

import java.util.List;
import org.daisyjava.core.Block;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.ProcessUsage;

/**
 * The messages between scheduler and workers (see PROTOCOL.md). Each is one ZeroMQ frame holding
 * one JSON object with {@code "v"} (protocol version) and {@code "type"}. The messages of version
 * 1 are used unchanged in version 2; version 2 adds {@link AcquireBatch}, {@link ReleaseBatch} and
 * {@link AssignBatch}, which carry {@code "v": 2} and are allowed only in a session whose {@code
 * welcome} said version 2.
 */
public sealed interface Message {
  /**
   * Most entries in one batched message (blocks released, asked for or handed out): the
   * scheduler's cap of blocks a worker may have outstanding, so one message can always carry a
   * worker's whole share.
   */
  int MAX_BATCH = 64;

  /** The {@code "type"} field of this message. */
  String type();

  /** The version this message belongs to: its {@code "v"} on the wire. */
  default ProtocolVersion version() {
    return ProtocolVersion.V1;
  }

  // ---- worker -> scheduler ----

  /**
   * First message of a worker: who it is and which task it serves.
   *
   * @param name a human-readable name, e.g. {@code host:pid}
   * @param job the cluster job id the worker runs in (e.g. {@code 123_4}), or null
   * @param log where the worker's output goes (environment variable {@code DAISY_LOG}), or null
   * @param slots how many blocks the worker runs at once (1 to {@link #MAX_SLOTS}): the scheduler
   *     runs the timeout clocks of that many of its blocks at a time
   * @param newest the newest protocol version the worker speaks (it speaks every one up to it);
   *     on the wire {@code "versions"}, absent for a version-1 worker
   */
  record Hello(String task, String name, String host, long pid, String job, String log, int slots,
      long workerId, ProtocolVersion newest) implements Message {
    /**
     * Most slots a worker may have: the scheduler's cap of outstanding blocks per worker, so that
     * every slot can hold a block.
     */
    public static final int MAX_SLOTS = 64;

    public Hello {
      if (slots < 1 || slots > MAX_SLOTS) {
        throw new IllegalArgumentException("slots must be between 1 and " + MAX_SLOTS + ", got " + slots);
      }
      if (workerId < 0) {
        throw new IllegalArgumentException("worker_id must be positive, or 0 for none, got " + workerId);
      }
      if (newest == null) {
        throw new IllegalArgumentException("a hello names the newest version its worker speaks");
      }
    }

    /** A hello of a version-1 worker. */
    public Hello(String task, String name, String host, long pid, String job, String log, int slots,
        long workerId) {
      this(task, name, host, pid, job, log, slots, workerId, ProtocolVersion.V1);
    }

    /** A hello that leaves the worker's id to the scheduler. */
    public Hello(String task, String name, String host, long pid, String job, String log, int slots) {
      this(task, name, host, pid, job, log, slots, 0);
    }

    /** A hello of a one-slot worker. */
    public Hello(String task, String name, String host, long pid, String job, String log) {
      this(task, name, host, pid, job, log, 1);
    }

    /** A hello of a one-slot worker without a log file. */
    public Hello(String task, String name, String host, long pid, String job) {
      this(task, name, host, pid, job, null, 1);
    }

    public String type() {
      return "hello";
    }
  }

  /** Asks for one block. Answered by exactly one {@link Assign} or {@link NoMoreBlocks}. */
  record Acquire() implements Message {
    public String type() {
      return "acquire";
    }
  }

  /**
   * Version 2: asks for {@code count} blocks in one message, as if that many {@link Acquire}s
   * were sent. They are answered by {@link AssignBatch}es (as many blocks in each as are ready)
   * or by one {@link NoMoreBlocks}; no {@link Wait} is sent in version 2.
   */
  record AcquireBatch(int count) implements Message {
    public AcquireBatch {
      if (count < 1 || count > MAX_BATCH) {
        throw new IllegalArgumentException("count must be between 1 and " + MAX_BATCH + ", got " + count);
      }
    }

    public String type() {
      return "acquire";
    }

    @Override
    public ProtocolVersion version() {
      return ProtocolVersion.V2;
    }
  }

  /**
   * A block the worker held is finished.
   *
   * @param success true if the block's code succeeded
   * @param error what went wrong (null on success)
   * @param acquire further blocks asked for with this release (as if that many {@link Acquire}s
   *     followed it): saves a message per block when blocks are short
   */
  record Release(long blockId, boolean success, String error, int acquire) implements Message {
    public Release {
      if (acquire < 0) {
        throw new IllegalArgumentException("acquire must be >= 0, got " + acquire);
      }
    }

    /** A release that asks for nothing more. */
    public Release(long blockId, boolean success, String error) {
      this(blockId, success, error, 0);
    }

    public String type() {
      return "release";
    }
  }

  /**
   * Version 2: several held blocks are finished, in the order listed, and {@code acquire} more
   * are asked for (as in {@link AcquireBatch}). Either may be empty, not both.
   *
   * @param blocks at most {@link #MAX_BATCH}
   * @param acquire 0 to {@link #MAX_BATCH}
   */
  record ReleaseBatch(List<Outcome> blocks, int acquire) implements Message {
    public ReleaseBatch {
      blocks = List.copyOf(blocks);
      if (blocks.size() > MAX_BATCH) {
        throw new IllegalArgumentException("at most " + MAX_BATCH + " blocks per release, got " + blocks.size());
      }
      if (acquire < 0 || acquire > MAX_BATCH) {
        throw new IllegalArgumentException("acquire must be between 0 and " + MAX_BATCH + ", got " + acquire);
      }
      if (blocks.isEmpty() && acquire == 0) {
        throw new IllegalArgumentException("a release of no blocks that asks for none");
      }
    }

    public String type() {
      return "release";
    }

    @Override
    public ProtocolVersion version() {
      return ProtocolVersion.V2;
    }
  }

  /**
   * How one block of a {@link ReleaseBatch} ended.
   *
   * @param error what went wrong (null on success)
   */
  record Outcome(long blockId, boolean success, String error) {}

  /**
   * The worker is leaving (normally after {@link NoMoreBlocks}).
   *
   * @param fatal the worker found that the task's code cannot run on any worker (a command that
   *     is not found or not executable, a class that cannot be loaded): the scheduler fails the
   *     task at once, with {@code reason}, instead of handing its blocks to other workers
   * @param usage what the worker's process used in all, or null (not known, or an older worker)
   */
  record Goodbye(String reason, boolean fatal, ProcessUsage usage) implements Message {
    public Goodbye(String reason) {
      this(reason, false, null);
    }

    public Goodbye(String reason, boolean fatal) {
      this(reason, fatal, null);
    }

    public String type() {
      return "goodbye";
    }
  }

  // ---- scheduler -> worker ----

  /**
   * Answer to {@link Hello}.
   *
   * @param workerId the worker's id within the run ({@code DAISY_WORKER_ID})
   * @param process how to run the task's blocks; null for in-process workers that bring their own
   * @param heartbeatMillis how often each side sends a heartbeat when otherwise silent
   * @param liveness missed heartbeats after which the peer counts as dead
   * @param runDir the run directory ({@code DAISY_RUN_DIR})
   */
  record Welcome(long workerId, BlockCode process, long heartbeatMillis, int liveness, String runDir,
      ProtocolVersion sessionVersion) implements Message {
    /**
     * @param sessionVersion the version of the session: the newest both sides speak (on the wire
     *     {@code "version"}, absent for 1). Only the batched messages depend on it; the welcome
     *     itself is a version-1 message for every worker.
     */
    public Welcome {
      if (sessionVersion == null) {
        throw new IllegalArgumentException("a welcome names the session's protocol version");
      }
    }

    /** The welcome of a version-1 session. */
    public Welcome(long workerId, BlockCode process, long heartbeatMillis, int liveness, String runDir) {
      this(workerId, process, heartbeatMillis, liveness, runDir, ProtocolVersion.V1);
    }

    public String type() {
      return "welcome";
    }
  }

  /** A block to run; {@code attempt} is 1 on the first try. */
  record Assign(Block block, int attempt) implements Message {
    public String type() {
      return "block";
    }
  }

  /**
   * Version 2: blocks to run, in this order, all of the worker's task; one answer to as many
   * asked-for blocks as it carries.
   *
   * @param blocks 1 to {@link #MAX_BATCH}
   */
  record AssignBatch(List<Assign> blocks) implements Message {
    public AssignBatch {
      blocks = List.copyOf(blocks);
      if (blocks.isEmpty() || blocks.size() > MAX_BATCH) {
        throw new IllegalArgumentException("1 to " + MAX_BATCH + " blocks per message, got " + blocks.size());
      }
      String task = blocks.get(0).block().task();
      for (Assign a : blocks) {
        if (!a.block().task().equals(task)) {
          throw new IllegalArgumentException("blocks of tasks " + task + " and " + a.block().task()
              + " in one message");
        }
      }
    }

    public String type() {
      return "block";
    }

    @Override
    public ProtocolVersion version() {
      return ProtocolVersion.V2;
    }
  }

  /** No block is ready now; the request stays queued and is answered when one is. */
  record Wait() implements Message {
    public String type() {
      return "wait";
    }
  }

  /** The task has no more blocks: finish what you hold, say goodbye and exit 0. */
  record NoMoreBlocks() implements Message {
    public String type() {
      return "no_more_blocks";
    }
  }

  /** The scheduler gave this block to someone else (timeout): stop working on it. */
  record Abandon(long blockId, String reason) implements Message {
    public String type() {
      return "abandon";
    }
  }

  /** The scheduler refuses this worker (wrong key, unknown task, …): exit non-zero. */
  record Refuse(String reason) implements Message {
    public String type() {
      return "refuse";
    }
  }

  // ---- both ways ----

  /**
   * Sent when a side has been silent for one heartbeat interval; a worker's also now and then
   * while it is busy, to report its usage.
   *
   * @param usage what the worker's process has used so far, or null (always null from the
   *     scheduler)
   */
  record Heartbeat(ProcessUsage usage) implements Message {
    public Heartbeat() {
      this(null);
    }

    public String type() {
      return "heartbeat";
    }
  }
}
