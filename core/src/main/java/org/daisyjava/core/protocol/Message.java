package org.daisyjava.core.protocol;

import org.daisyjava.core.Block;
import org.daisyjava.core.BlockCode;

/**
 * The messages between scheduler and workers (see PROTOCOL.md). Each is one ZeroMQ frame holding
 * one JSON object with {@code "v"} (protocol version) and {@code "type"}.
 */
public sealed interface Message {
  /** The protocol version every message carries; others are logged and dropped. */
  int VERSION = 1;

  /** The {@code "type"} field of this message. */
  String type();

  // ---- worker -> scheduler ----

  /**
   * First message of a worker: who it is and which task it serves.
   *
   * @param name a human-readable name, e.g. {@code host:pid}
   * @param job the cluster job id the worker runs in (e.g. {@code 123_4}), or null
   * @param log where the worker's output goes (environment variable {@code DAISY_LOG}), or null
   * @param slots how many blocks the worker runs at once (1 to {@link #MAX_SLOTS}): the scheduler
   *     runs the timeout clocks of that many of its blocks at a time
   */
  record Hello(String task, String name, String host, long pid, String job, String log, int slots,
      long workerId) implements Message {
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
   * The worker is leaving (normally after {@link NoMoreBlocks}).
   *
   * @param fatal the worker found that the task's code cannot run on any worker (a command that
   *     is not found or not executable, a class that cannot be loaded): the scheduler fails the
   *     task at once, with {@code reason}, instead of handing its blocks to other workers
   */
  record Goodbye(String reason, boolean fatal) implements Message {
    public Goodbye(String reason) {
      this(reason, false);
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
  record Welcome(long workerId, BlockCode process, long heartbeatMillis, int liveness, String runDir)
      implements Message {
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

  /** Sent when a side has been silent for one heartbeat interval. */
  record Heartbeat() implements Message {
    public String type() {
      return "heartbeat";
    }
  }
}
