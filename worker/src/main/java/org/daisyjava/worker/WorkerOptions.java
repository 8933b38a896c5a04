package org.daisyjava.worker;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link Worker} runs, beyond where to connect and which task to serve. Immutable; start
 * from {@link #defaults()} and change what you need with the {@code with...} methods.
 *
 * @param runDir the run directory ({@code DAISY_RUN_DIR}); null to use the one the scheduler
 *     names in its welcome, if any
 * @param key the contents of the run's worker key file ({@code worker.key}: CURVE keys, see
 *     {@code WorkerKeyFile}), or null to connect without CURVE (a scheduler with
 *     {@code scheduler.encryption: off})
 * @param job the cluster job id this worker runs in (e.g. {@code 1234_5}), or null
 * @param log where this worker's output goes (daisy-worker: {@code $DAISY_LOG}), for the
 *     scheduler to point at when the worker fails; or null
 * @param connectTimeout how long to keep trying to reach a scheduler before giving up (exit 3)
 * @param function the code to run for each block, for workers that bring their own (in-process);
 *     null to run what the scheduler's welcome names. With several slots this one instance is
 *     shared by all of them (its setup and teardown run once per slot, and {@code process} is
 *     called from several threads at once), whereas a {@code class:} gets one instance per slot
 * @param slots how many blocks the worker runs at once (1 to {@link #MAX_SLOTS}): that many runner
 *     threads, command processes or stream processes, on one connection
 * @param workerId the id the worker asks the scheduler for ({@code hello.worker_id}: the local
 *     backend's number, which its log files carry too), or 0 to take the one it is given
 */
public record WorkerOptions(
    Path runDir,
    String key,
    String job,
    String log,
    Duration connectTimeout,
    BlockFunction function,
    int slots,
    long workerId) {
  /** The connect timeout of daisy-worker when none is given. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(60);
  /** Most slots of one worker: every slot must be able to hold a block of the scheduler's 64. */
  public static final int MAX_SLOTS = org.daisyjava.core.protocol.Message.Hello.MAX_SLOTS;

  public WorkerOptions {
    if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout must be positive, got " + connectTimeout);
    }
    if (slots < 1 || slots > MAX_SLOTS) {
      throw new IllegalArgumentException("slots must be between 1 and " + MAX_SLOTS + ", got " + slots);
    }
    if (workerId < 0) {
      throw new IllegalArgumentException("workerId must be positive, or 0 for none, got " + workerId);
    }
  }

  /** No run directory, key, job, log or function; a connect timeout of 60 s; one slot. */
  public static WorkerOptions defaults() {
    return new WorkerOptions(null, null, null, null, DEFAULT_CONNECT_TIMEOUT, null, 1, 0);
  }

  public WorkerOptions withRunDir(Path runDir) {
    return new WorkerOptions(runDir, key, job, log, connectTimeout, function, slots, workerId);
  }

  public WorkerOptions withKey(String key) {
    return new WorkerOptions(runDir, key, job, log, connectTimeout, function, slots, workerId);
  }

  public WorkerOptions withJob(String job) {
    return new WorkerOptions(runDir, key, job, log, connectTimeout, function, slots, workerId);
  }

  public WorkerOptions withLog(String log) {
    return new WorkerOptions(runDir, key, job, log, connectTimeout, function, slots, workerId);
  }

  public WorkerOptions withConnectTimeout(Duration connectTimeout) {
    return new WorkerOptions(runDir, key, job, log, connectTimeout, function, slots, workerId);
  }

  public WorkerOptions withFunction(BlockFunction function) {
    return new WorkerOptions(runDir, key, job, log, connectTimeout, function, slots, workerId);
  }

  public WorkerOptions withSlots(int slots) {
    return new WorkerOptions(runDir, key, job, log, connectTimeout, function, slots, workerId);
  }

  public WorkerOptions withWorkerId(long workerId) {
    return new WorkerOptions(runDir, key, job, log, connectTimeout, function, slots, workerId);
  }
}
