package org.daisyjava.launcher.observe;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.daisyjava.core.ProcessUsage;

/**
 * CPU time and peak memory of worker processes on this machine, read from Linux's /proc (see
 * {@link ProcessUsage}). A worker's hello names its host and pid; while it is connected the pid is
 * its process. Sampled every second on the supervising thread. Workers report their own usage
 * too (in heartbeats and their goodbye), which is all there is for workers on other hosts; the
 * largest figure seen for a worker is what the statistics show.
 */
final class ProcessProbe {
  private static final long EVERY_NANOS = 1_000_000_000L;
  private static final long SELF = ProcessHandle.current().pid();
  private final String localHost = localHost();
  private final boolean available = ProcessUsage.ofSelf() != null;
  private long lastNanos;

  void sampleIfDue(RunModel model) {
    long now = System.nanoTime();
    if (!available || localHost == null || (lastNanos != 0 && now - lastNanos < EVERY_NANOS)) {
      return;
    }
    lastNanos = now;
    for (long[] w : model.localWorkerPids(localHost)) {
      ProcessUsage usage = ProcessUsage.ofPid(w[1]);
      if (usage != null) { // null: the process ended between the list and the read; its last sample stands
        model.processUsage(w[0], usage.cpuMillis(), usage.peakRssKb());
      }
    }
  }

  /** Whether a worker of that hello's host and pid is this JVM (a worker thread of the Java API). */
  boolean isThisJvm(String host, long pid) {
    return pid == SELF && localHost != null && localHost.equals(host);
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
