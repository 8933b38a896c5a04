package org.daisyjava.launcher;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * Turns SIGINT and SIGTERM into a flag the launch loop checks, so that it can stop workers,
 * flush the checkpoint log and write the summary before exiting 130. A second signal while
 * that is under way exits at once.
 */
final class SignalTrap {
  private final CountDownLatch caught = new CountDownLatch(1);
  private volatile String name;

  void install() {
    for (String sig : new String[] {"INT", "TERM"}) {
      try {
        Signal.handle(new Signal(sig), s -> {
          if (name != null) {
            System.err.println("\ndaisy-launch: second SIG" + s.getName() + ", exiting now");
            Runtime.getRuntime().halt(ExitCode.INTERRUPTED);
          }
          name = "SIG" + s.getName();
          caught.countDown();
        });
      } catch (IllegalArgumentException e) {
        // the signal is not available here (or the JVM reserves it): leave the default
      }
    }
  }

  /** The signal caught, or null. */
  String caught() {
    return name;
  }

  /** Sleeps up to {@code millis}, returning early when a signal arrives. */
  void sleep(long millis) throws InterruptedException {
    caught.await(millis, TimeUnit.MILLISECONDS);
  }
}
