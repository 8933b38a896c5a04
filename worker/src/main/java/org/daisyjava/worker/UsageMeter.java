package org.daisyjava.worker;

import org.daisyjava.core.ProcessUsage;

/**
 * What this worker's processes have used, for the reports in its heartbeats and goodbye
 * (PROTOCOL.md, Usage): the worker process's CPU time with that of its ended children, and the
 * largest peak resident set of the worker process and of each block process it started.
 *
 * <p>A {@code command} or {@code stream} task's memory is in its block processes, not in the
 * worker's JVM, and it is what a job's {@code mem} must hold; but a process's peak can only be
 * read while it runs (an ended process has no {@code VmHWM}). So the worker's descendants are
 * looked at about once a second, when the poll loop checks its timers: a peak is the peak so far,
 * so each look catches all of a long block's growth until then and misses only what a block
 * does in its last second. Looking walks all of /proc (that is how ProcessHandle finds children),
 * milliseconds on a node of many processes, so a worker whose blocks run in its own JVM never
 * looks.
 */
final class UsageMeter {
  private static final long EVERY_NANOS = 1_000_000_000L;

  private final boolean blocksAreProcesses;
  private long lastLook = System.nanoTime() - EVERY_NANOS;
  /** The largest peak seen among the worker's descendants, in kB. */
  private long childPeakKb;

  /** @param blocksAreProcesses the worker's blocks run in processes of their own ({@code command}, {@code stream}) */
  UsageMeter(boolean blocksAreProcesses) {
    this.blocksAreProcesses = blocksAreProcesses;
  }

  /** Looks at the worker's descendants if its blocks are processes and a second has passed since the last look. */
  void lookIfDue(long now) {
    if (!blocksAreProcesses || now - lastLook < EVERY_NANOS) {
      return;
    }
    lastLook = now;
    ProcessHandle.current().descendants().forEach(p -> {
      ProcessUsage u = ProcessUsage.ofPid(p.pid());
      if (u != null) {
        childPeakKb = Math.max(childPeakKb, u.peakRssKb());
      }
    });
  }

  /** The usage to report now, or null where there is no /proc to read. */
  ProcessUsage report() {
    ProcessUsage self = ProcessUsage.ofSelf();
    if (self == null) {
      return null;
    }
    return new ProcessUsage(self.cpuMillis(), Math.max(self.peakRssKb(), childPeakKb));
  }
}
