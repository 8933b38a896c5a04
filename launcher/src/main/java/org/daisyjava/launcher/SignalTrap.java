package org.daisyjava.launcher;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * Turns SIGINT and SIGTERM into exit code 130, whenever they come.
 *
 * <p>The command line installs the trap as the first thing {@code main} does ({@link
 * #installEarly}), before arguments, config or cluster commands are looked at, so that no part
 * of the launcher runs under the JVM's own handler (which exits 143). Until the run begins
 * ({@link #runBegins}: just before the run directory is locked and written) there is nothing to
 * clean up, and a signal exits 130 at once with one line. From then on a signal only sets a flag
 * that the launch loop checks, so that it can stop workers, flush the checkpoint log and write
 * the summary before exiting 130; a second signal while that is under way exits at once.
 *
 * <p>What the trap cannot cover is the JVM's own start, before {@code main} runs: the wrapper
 * script {@code exec}s java (so that a batch system's signals reach it), and a signal in those
 * first milliseconds meets the JVM's default handling.
 *
 * <p>The phase and the flag are read by the signal's handler thread and the launch thread; the
 * handler and {@link #runBegins} synchronize on the trap, so a signal is handled entirely in one
 * phase: either it exits before the run directory is touched, or the loop sees the flag.
 */
final class SignalTrap {
  private enum Phase {
    /** Nothing exists yet that a signal would leave half done: exit at once. */
    STARTING,
    /** The run directory is being written or workers run: flag it for the launch loop. */
    RUNNING
  }

  /** The trap {@code main} installed for this process, or null (tests, the library API). */
  private static volatile SignalTrap early;

  /** Cuts the launch loop's sleep short: a permit per signal and per {@link #wake}. */
  private final Semaphore wakeups = new Semaphore(0);
  private Phase phase;
  private volatile String name;

  private SignalTrap(Phase phase) {
    this.phase = phase;
  }

  /** For {@code main}, before anything else: the process's trap, in the starting phase. */
  static void installEarly() {
    SignalTrap t = new SignalTrap(Phase.STARTING);
    t.install();
    early = t;
  }

  /**
   * The trap of a run: the process's (installed by {@code main}), or a new one, installed only
   * if {@code ownsJvm} (a library must not take over a JVM's signals), in the running phase.
   */
  static SignalTrap forRun(boolean ownsJvm) {
    SignalTrap t = early;
    if (t != null) {
      return t;
    }
    t = new SignalTrap(Phase.RUNNING);
    if (ownsJvm) {
      t.install();
    }
    return t;
  }

  private void install() {
    for (String sig : new String[] {"INT", "TERM"}) {
      try {
        Signal.handle(new Signal(sig), s -> handle("SIG" + s.getName()));
      } catch (IllegalArgumentException e) {
        // the signal is not available here (or the JVM reserves it): leave the default
      }
    }
  }

  private synchronized void handle(String signal) {
    if (phase == Phase.STARTING) {
      System.err.println("daisy-launch: " + signal + " before the run began; nothing was started");
      System.err.flush();
      Runtime.getRuntime().halt(ExitCode.INTERRUPTED);
    }
    if (name != null) {
      System.err.println("\ndaisy-launch: second " + signal + ", exiting now");
      System.err.flush();
      Runtime.getRuntime().halt(ExitCode.INTERRUPTED);
    }
    name = signal;
    wakeups.release();
  }

  /**
   * From now on a signal is handled by the launch loop (a signal that arrived before this
   * returned has already ended the process).
   */
  synchronized void runBegins() {
    phase = Phase.RUNNING;
  }

  /** The signal caught, or null. */
  String caught() {
    return name;
  }

  /**
   * The launch loop's sleep: up to {@code millis}, returning early when a signal arrives or
   * {@link #wake} is called, also if that happened since the last sleep (so no wake-up is lost
   * between the loop's look at the run and its sleep).
   */
  void sleep(long millis) throws InterruptedException {
    if (name == null && wakeups.tryAcquire(millis, TimeUnit.MILLISECONDS)) {
      wakeups.drainPermits();
    }
  }

  /** Ends the launch loop's current or next sleep: the run has something to look at now. Any thread. */
  void wake() {
    wakeups.release();
  }
}
