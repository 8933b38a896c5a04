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
 *     null to run what the scheduler's welcome names
 */
public record WorkerOptions(
    Path runDir,
    String key,
    String job,
    String log,
    Duration connectTimeout,
    BlockFunction function) {
  /** The connect timeout of daisy-worker when none is given. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(60);

  public WorkerOptions {
    if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout must be positive, got " + connectTimeout);
    }
  }

  /** No run directory, key, job, log or function; a connect timeout of 60 s. */
  public static WorkerOptions defaults() {
    return new WorkerOptions(null, null, null, null, DEFAULT_CONNECT_TIMEOUT, null);
  }

  public WorkerOptions withRunDir(Path runDir) {
    return new WorkerOptions(runDir, key, job, log, connectTimeout, function);
  }

  public WorkerOptions withKey(String key) {
    return new WorkerOptions(runDir, key, job, log, connectTimeout, function);
  }

  public WorkerOptions withJob(String job) {
    return new WorkerOptions(runDir, key, job, log, connectTimeout, function);
  }

  public WorkerOptions withLog(String log) {
    return new WorkerOptions(runDir, key, job, log, connectTimeout, function);
  }

  public WorkerOptions withConnectTimeout(Duration connectTimeout) {
    return new WorkerOptions(runDir, key, job, log, connectTimeout, function);
  }

  public WorkerOptions withFunction(BlockFunction function) {
    return new WorkerOptions(runDir, key, job, log, connectTimeout, function);
  }
}
