package org.daisyjava.worker;

import java.time.Duration;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A random pause before a worker's first connect when it was started as one of a batch — an
 * element of a SLURM job array ({@code SLURM_ARRAY_TASK_ID}) or an LSF job array ({@code
 * LSB_JOBINDEX} other than 0) — so that thousands of array elements starting in the same second
 * do not all knock on the scheduler's listen queue in the same millisecond (2000 at once
 * overflowed it some 10,000 times; staggered, they all connected in 6.9 s). Uniform in {@code [0,
 * min(2 s, connect timeout / 10)]}: spread enough for a storm, and never a noticeable share of
 * the connect timeout. A worker started alone (local backend, a user's {@code srun}) waits not at
 * all.
 */
final class ConnectJitter {
  /** The longest pause, however long the connect timeout. */
  static final Duration MAX = Duration.ofSeconds(2);

  private ConnectJitter() {}

  /** The upper bound of the pause for a worker with {@code connectTimeout}. */
  static Duration bound(Duration connectTimeout) {
    Duration tenth = connectTimeout.dividedBy(10);
    return tenth.compareTo(MAX) < 0 ? (tenth.isNegative() ? Duration.ZERO : tenth) : MAX;
  }

  /** True if the environment says this worker is an element of a job array. */
  static boolean startedInBatch(Map<String, String> env) {
    String slurm = env.get("SLURM_ARRAY_TASK_ID");
    String lsf = env.get("LSB_JOBINDEX");
    return slurm != null && !slurm.isBlank() || lsf != null && !lsf.isBlank() && !lsf.trim().equals("0");
  }

  /** The pause before the first connect: zero unless started in a batch, else uniform in [0, bound]. */
  static Duration draw(Map<String, String> env, Duration connectTimeout, RandomGenerator random) {
    if (!startedInBatch(env)) {
      return Duration.ZERO;
    }
    long boundNanos = bound(connectTimeout).toNanos();
    return boundNanos <= 0 ? Duration.ZERO : Duration.ofNanos(random.nextLong(boundNanos + 1));
  }
}
