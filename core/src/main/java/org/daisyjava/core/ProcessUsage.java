package org.daisyjava.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a process has used so far: CPU time and peak memory. The launcher reads worker processes on
 * its machine from /proc; every worker reads itself and its block processes and reports that in
 * its heartbeats and its goodbye (PROTOCOL.md), so the run's statistics have it for SLURM, LSF,
 * SSH and external workers too.
 *
 * <p>From Linux's /proc: {@code /proc/PID/stat} fields 14 to 17 are the process's user and system
 * time and those of its children that have ended and been waited for (a {@code command} worker's
 * blocks, each a child process), in clock ticks of USER_HZ, which is 100 on every architecture
 * Java runs on. {@code /proc/PID/status}'s {@code VmHWM} is the process's own peak resident set
 * in kB (a child's memory is not in it).
 *
 * @param cpuMillis user and system time of the process and its ended children, in ms
 * @param peakRssKb the process's peak resident set, in kB (in a worker's report: the largest of
 *     its own and its block processes', see the worker's UsageMeter)
 */
public record ProcessUsage(long cpuMillis, long peakRssKb) {
  /** Bounds a report must keep (PROTOCOL.md): ~317 years of CPU, 1 PiB of memory. */
  public static final long MAX_CPU_MILLIS = 10_000_000_000_000L;

  public static final long MAX_PEAK_RSS_KB = 1L << 40;

  private static final long MILLIS_PER_TICK = 10; // USER_HZ 100
  private static final Path PROC = Path.of("/proc");

  public ProcessUsage {
    if (cpuMillis < 0 || cpuMillis > MAX_CPU_MILLIS || peakRssKb < 0 || peakRssKb > MAX_PEAK_RSS_KB) {
      throw new IllegalArgumentException("usage out of bounds: cpu " + cpuMillis + " ms, peak " + peakRssKb + " kB");
    }
  }

  /** This process's usage, or null where there is no /proc to read (not Linux). */
  public static ProcessUsage ofSelf() {
    return of("self");
  }

  /** The usage of process {@code pid}, or null if it cannot be read (ended, not Linux). */
  public static ProcessUsage ofPid(long pid) {
    return of(Long.toString(pid));
  }

  private static ProcessUsage of(String process) {
    try {
      Path dir = PROC.resolve(process);
      return parse(Files.readString(dir.resolve("stat"), StandardCharsets.US_ASCII),
          Files.readString(dir.resolve("status"), StandardCharsets.US_ASCII));
    } catch (IOException | RuntimeException e) {
      return null; // ended between two reads, or a /proc of another shape
    }
  }

  /** The usage that a stat line and a status file give; null if the status has no VmHWM. */
  static ProcessUsage parse(String stat, String status) {
    long peak = peakRssKb(status);
    return peak < 0 ? null : new ProcessUsage(cpuMillis(stat), peak);
  }

  /** utime + stime + cutime + cstime of a stat line, in ms; the name in parentheses may hold spaces. */
  static long cpuMillis(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // f[0] is field 3 (state): fields 14 to 17 are f[11] to f[14]
    long ticks = 0;
    for (int i = 11; i <= 14; i++) {
      ticks += Math.max(0, Long.parseLong(f[i])); // cutime and cstime are signed in the kernel's format
    }
    return ticks * MILLIS_PER_TICK;
  }

  /** VmHWM in kB, or -1 if the status has none (a kernel thread). */
  static long peakRssKb(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
      }
    }
    return -1;
  }
}
