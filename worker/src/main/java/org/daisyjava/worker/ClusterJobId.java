package org.daisyjava.worker;

import java.util.Map;

/**
 * The id of the cluster job a worker runs in, from the environment SLURM or LSF gives it, for the
 * hello's {@code job} field: {@code 1234_5} for element 5 of SLURM array job 1234, {@code 1234} for a
 * plain SLURM job; {@code 1234[5]} and {@code 1234} likewise for LSF.
 */
final class ClusterJobId {
  private ClusterJobId() {}

  /** The job id, or null if the worker does not run under SLURM or LSF. */
  static String fromEnvironment(Map<String, String> env) {
    String arrayJob = value(env, "SLURM_ARRAY_JOB_ID");
    String arrayTask = value(env, "SLURM_ARRAY_TASK_ID");
    if (arrayJob != null && arrayTask != null) {
      return arrayJob + "_" + arrayTask;
    }
    String slurmJob = value(env, "SLURM_JOB_ID");
    if (slurmJob != null) {
      return slurmJob;
    }
    String lsfJob = value(env, "LSB_JOBID");
    if (lsfJob != null) {
      String index = value(env, "LSB_JOBINDEX");
      // LSF sets index 0 for jobs that are not part of an array
      return index == null || index.equals("0") ? lsfJob : lsfJob + "[" + index + "]";
    }
    return null;
  }

  private static String value(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }
}
