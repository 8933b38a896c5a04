package org.daisyjava.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.logging.Logger;

/**
 * The worker's own walltime clock ({@code --drain-after}): drains the worker that long after its
 * job started, as the batch system's warning signal (SIGUSR1) would.
 *
 * <p>Why a clock beside the signal: the signal cannot be relied on to come after the JVM is ready
 * for it. slurmctld looks at time limits once per check period (30 s) and sends {@code --signal}
 * at the first look that finds the walltime within the warning time plus one period, so with a
 * short walltime it comes in the job's first seconds, possibly while the JVM is still starting.
 * The job scripts ignore USR1 until the JVM installs its handler (an unhandled USR1 kills a
 * process), so a warning that early is lost, and only this clock still drains the worker.
 *
 * <p>The clock starts when this process started: the job script that exec'd the JVM started with
 * the job, so the drain comes at most the script's prologue late, which the drain time absorbs.
 */
final class DrainClock {
  private static final Logger LOG = Logger.getLogger(DrainClock.class.getName());

  private DrainClock() {}

  /** Drains {@code worker} {@code after} past this process's start, on a daemon thread. */
  static void start(Worker worker, Duration after) {
    Instant started = ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
    Instant at = started.plus(after);
    Thread t = new Thread(() -> {
      try {
        for (long ms; (ms = Duration.between(Instant.now(), at).toMillis()) > 0; ) {
          Thread.sleep(ms);
        }
      } catch (InterruptedException e) {
        return;
      }
      LOG.info("drain clock: the job has run " + after.toSeconds() + "s, its walltime less the drain");
      worker.drain();
    }, "daisy-drain-clock");
    t.setDaemon(true);
    t.start();
  }
}
