package org.daisyjava.launcher.config;

/** One batch system's settings for one task: its own directives plus the common keys. */
public interface BatchSystemSettings {
  BatchCommon common();

  /** The section's name for the walltime, as the user writes it ({@code slurm.time}). */
  String walltimeKey();

  /** The walltime as the batch system's directive has it, or null if none is set. */
  String walltimeDirective();

  /** The memory per job as configured, or null. */
  String mem();

  /** The cpus of one job as configured ({@code slurm.cpus_per_task}, {@code lsf.cores}), or null. */
  Integer cpus();
}
