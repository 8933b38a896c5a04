package org.daisyjava.launcher.config;

import java.time.Duration;

/** One batch system's settings for one task: its own directives plus the common keys. */
public interface BatchSystemSettings {
  BatchCommon common();

  /** How this batch system names, reads and writes the walltime. */
  Walltime.Notation walltimeNotation();

  /** The section's name for the walltime, as the user writes it ({@code slurm.time}). */
  default String walltimeKey() {
    return walltimeNotation().key();
  }

  /** The walltime as the batch system's directive has it, or null if none is set. */
  default String walltimeDirective() {
    Duration w = common().walltime();
    return w == null ? null : walltimeNotation().format().apply(w);
  }

  /** The memory per job as configured, or null. */
  default String mem() {
    return common().mem();
  }

  /** The cpus of one job as configured ({@code slurm.cpus_per_task}, {@code lsf.cores}), or null. */
  default Integer cpus() {
    return common().cpus();
  }

  /** The gpus of one job as configured, or null. */
  default Integer gpus() {
    return common().gpus();
  }
}
