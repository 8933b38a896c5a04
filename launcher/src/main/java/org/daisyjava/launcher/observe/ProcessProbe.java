package org.daisyjava.launcher.observe;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and peak memory of worker processes on this machine, read from Linux's /proc (the
 * protocol does not carry them, so workers on other hosts stay unknown). A worker's hello names
 * its host and pid; while it is connected the pid is its process. Sampled every second on
 * the supervising thread; the last sample before a worker leaves is what the statistics show.
 *
 * <p>{@code /proc/PID/stat} fields 14 and 15 are user and system time in clock ticks; the kernel
 * reports them in USER_HZ, which is 100 on every Linux architecture Java runs on.
 * {@code /proc/PID/status}'s {@code VmHWM} is the peak resident set in kB.
 */
final class ProcessProbe {
  private static final long EVERY_NANOS = 1_000_000_000L;
  private static final double USER_HZ = 100.0;
  private static final Path PROC = Path.of("/proc");
  private final String localHost = localHost();
  private final boolean available = Files.isDirectory(PROC.resolve("self"));
  private long lastNanos;

  void sampleIfDue(RunModel model) {
    long now = System.nanoTime();
    if (!available || localHost == null || (lastNanos != 0 && now - lastNanos < EVERY_NANOS)) {
      return;
    }
    lastNanos = now;
    for (long[] w : model.localWorkerPids(localHost)) {
      try {
        double cpu = cpuSeconds(Files.readString(PROC.resolve(w[1] + "/stat"), StandardCharsets.US_ASCII));
        long rss = peakRssBytes(Files.readString(PROC.resolve(w[1] + "/status"), StandardCharsets.US_ASCII));
        model.processUsage(w[0], cpu, rss);
      } catch (IOException | RuntimeException e) {
        // the process ended between the list and the read: its last sample stands
      }
    }
  }

  /** utime + stime of a stat line; the command name in parentheses may hold spaces. */
  static double cpuSeconds(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // f[0] is field 3 (state): utime (field 14) is f[11], stime (field 15) f[12]
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / USER_HZ;
  }

  static long peakRssBytes(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
      }
    }
    return -1;
  }

  /**
   * This machine's name as a worker's hello gives it (the resolver's, as the worker looks it up),
   * not the kernel's name of {@code LauncherIdentity}: a worker counts as local only if the two
   * are equal. Null, when the resolver cannot say, leaves every worker unmeasured.
   */
  private static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
