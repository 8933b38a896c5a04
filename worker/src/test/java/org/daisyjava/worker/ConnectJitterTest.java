package org.daisyjava.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The pause before a batch-started worker's first connect stays within its bounds. */
class ConnectJitterTest {
  private static final Map<String, String> ARRAY = Map.of("SLURM_ARRAY_TASK_ID", "17");

  @Test
  void theBoundIsATenthOfTheConnectTimeoutAtMostTwoSeconds() {
    assertEquals(Duration.ofSeconds(2), ConnectJitter.bound(Duration.ofSeconds(60)));
    assertEquals(Duration.ofSeconds(2), ConnectJitter.bound(Duration.ofSeconds(20)));
    assertEquals(Duration.ofMillis(500), ConnectJitter.bound(Duration.ofSeconds(5)));
    assertEquals(Duration.ZERO, ConnectJitter.bound(Duration.ZERO));
  }

  @Test
  void drawsStayWithinZeroAndTheBoundAndSpreadOverIt() {
    SplittableRandom random = new SplittableRandom(42);
    Duration timeout = Duration.ofSeconds(5);
    long max = 0;
    long min = Long.MAX_VALUE;
    for (int i = 0; i < 10_000; i++) {
      long d = ConnectJitter.draw(ARRAY, timeout, random).toNanos();
      assertTrue(d >= 0 && d <= ConnectJitter.bound(timeout).toNanos(), d + " ns");
      max = Math.max(max, d);
      min = Math.min(min, d);
    }
    // 10,000 uniform draws: the extremes come within 1 % of either end
    assertTrue(max > ConnectJitter.bound(timeout).toNanos() * 0.99, "max " + max);
    assertTrue(min < ConnectJitter.bound(timeout).toNanos() * 0.01, "min " + min);
  }

  @Test
  void onlyWorkersOfAJobArrayWait() {
    SplittableRandom random = new SplittableRandom(1);
    assertTrue(ConnectJitter.startedInBatch(ARRAY));
    assertTrue(ConnectJitter.startedInBatch(Map.of("LSB_JOBINDEX", "3")));
    assertFalse(ConnectJitter.startedInBatch(Map.of("LSB_JOBINDEX", "0")), "LSF's index of a plain job");
    assertFalse(ConnectJitter.startedInBatch(Map.of("SLURM_JOB_ID", "99")), "a single job");
    assertFalse(ConnectJitter.startedInBatch(Map.of()));
    for (int i = 0; i < 100; i++) {
      assertEquals(Duration.ZERO, ConnectJitter.draw(Map.of(), Duration.ofSeconds(60), random));
    }
  }
}
