package org.daisyjava.worker;

import java.time.Duration;
import java.util.logging.Logger;
import org.daisyjava.core.DurationText;

/**
 * A block's process that ended on SIGHUP, SIGINT, SIGTERM or SIGUSR1 which the worker did not send.
 * Such a signal usually went to the whole job at once: {@code scancel}, {@code bkill} (SIGINT, then
 * SIGTERM), a time limit, ^C in the terminal of a local run, or LSF's walltime warning ({@code -wa
 * USR1}, which goes to every process of the job, unlike SLURM's {@code --signal=B:USR1}, which
 * goes to the batch shell alone). Then the worker's own JVM got it too and is about to stop, or to
 * drain.
 *
 * <p>The two deaths race. The runner thread learns of the child's end from the JDK's process
 * reaper, while the JVM handles its own signal on threads of its own: the signal dispatcher, then
 * the shutdown hook that calls {@link Worker#stop()} (or the USR1 handler that calls {@link
 * Worker#drain()}). Either may come first. If the runner reported at once, the block would go back
 * as a failure of its code ("exited with code 143"), and the release would ask for more: the
 * scheduler could give this worker the next block, or the same one again, to be started just
 * before the worker leaves, each an attempt of its own lost. So the runner first gives the stop
 * {@link #grace()} to arrive. A stop or a drain cancels the block, which is then handed back with
 * the goodbye ("worker left (stopped)", one attempt) like any block running when a worker leaves
 * early. With neither the block fails as it would have, only later. SIGKILL is not waited for: the kernel's OOM killer sends it to one
 * process, and the batch system's SIGKILL kills the JVM as well.
 */
final class JobSignal {
  private static final Logger LOG = Logger.getLogger(JobSignal.class.getName());
  /** System property: how long to wait, in {@link DurationText}'s grammar (tests make it long or short). */
  static final String GRACE_PROPERTY = "daisy.worker.jobSignalGrace";
  /**
   * Far longer than a JVM takes to run its shutdown hooks, even on a loaded node; far shorter than
   * the batch systems wait before SIGKILL (SLURM's KillWait: 30 s by default; LSF's
   * JOB_TERMINATE_INTERVAL: 10 s by default).
   */
  static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

  private static final int SIGHUP = 1;
  private static final int SIGINT = 2;
  private static final int SIGUSR1 = 10;
  private static final int SIGTERM = 15;
  /** The JDK reports a process killed by signal N as exit code 128 + N, as a shell does. */
  private static final int SIGNALLED = 128;

  private JobSignal() {}

  /** Whether {@code exitCode} is a process killed by a signal that is sent to whole jobs. */
  static boolean endedBy(int exitCode) {
    int signal = exitCode - SIGNALLED;
    return signal == SIGHUP || signal == SIGINT || signal == SIGUSR1 || signal == SIGTERM;
  }

  /**
   * Runner thread, after the block's process ended with {@code exitCode}: if that was a job's
   * signal and the block is not cancelled yet, waits up to {@link #grace()} for the worker to stop
   * or drain. Returns whether the block is cancelled (stopped by the worker) by then.
   */
  static boolean awaitWorkerLeaving(HeldBlock held, int exitCode) throws InterruptedException {
    Cancellation cancellation = held.cancellation();
    if (cancellation.isCancelled()) {
      return true;
    }
    if (!endedBy(exitCode)) {
      return false;
    }
    Duration grace = grace();
    LOG.info("block " + held.id() + ": its process was killed by signal " + (exitCode - SIGNALLED)
        + ", which this worker did not send; waiting up to " + grace.toMillis()
        + " ms for the worker's own stop or drain before reporting the block failed");
    return cancellation.awaitCancelled(grace);
  }

  /** {@link #DEFAULT_GRACE}, or what {@link #GRACE_PROPERTY} says if it is a valid duration. */
  static Duration grace() {
    String text = System.getProperty(GRACE_PROPERTY);
    if (text == null) {
      return DEFAULT_GRACE;
    }
    try {
      return DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      LOG.warning(GRACE_PROPERTY + ": " + e.getMessage() + "; using " + DEFAULT_GRACE.toMillis() + " ms");
      return DEFAULT_GRACE;
    }
  }
}
