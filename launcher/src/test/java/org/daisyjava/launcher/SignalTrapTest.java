package org.daisyjava.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The launch loop's sleep: cut short by a wake-up, whether it comes during the sleep or before. */
class SignalTrapTest {
  private static final long LONG_SLEEP_MILLIS = 600_000;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aWakeUpDuringTheSleepEndsIt() throws Exception {
    SignalTrap trap = SignalTrap.forRun(false);
    Thread sleeper = new Thread(() -> {
      try {
        trap.sleep(LONG_SLEEP_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    sleeper.start();
    trap.wake(); // before or during the sleep: either way it ends it
    sleeper.join(TimeUnit.SECONDS.toMillis(50));
    assertFalse(sleeper.isAlive(), "the sleep went on after the wake-up");
    assertNull(trap.caught(), "a wake-up is not a signal");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void wakeUpsBeforeASleepEndItAndAreUsedUpByIt() throws Exception {
    SignalTrap trap = SignalTrap.forRun(false);
    trap.wake();
    trap.wake();
    trap.sleep(LONG_SLEEP_MILLIS); // returns: the wake-ups came first
    long start = System.nanoTime();
    trap.sleep(200); // both were used up by the sleep before: this one sleeps its time
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200),
        "a second sleep was cut short by a wake-up already used");
  }
}
