package org.daisyjava.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Welcome times through a shard's histogram line and LoadGen's sum of them, to quantiles. */
class WelcomeTimesTest {
  private static final long MS = 1_000_000;

  @Test
  void quantilesOfTwoShardsAddedUp() {
    WelcomeTimes a = new WelcomeTimes();
    WelcomeTimes b = new WelcomeTimes();
    for (int i = 0; i < 80; i++) {
      a.add(120 * MS); // bucket [100, 150) ms
    }
    for (int i = 0; i < 15; i++) {
      b.add(1_010 * MS); // a SYN retry later: [1000, 1050)
    }
    for (int i = 0; i < 5; i++) {
      b.add(3_020 * MS);
    }
    TreeMap<Integer, Long> sum = new TreeMap<>();
    WelcomeTimes.addHistogram(a.histogram(), sum);
    WelcomeTimes.addHistogram(b.histogram(), sum);
    WelcomeTimes.addHistogram(new WelcomeTimes().histogram(), sum); // a shard that welcomed nobody
    WelcomeTimes.addHistogram(null, sum); // a shard of an older build
    assertEquals(0.15, WelcomeTimes.quantileSeconds(sum, 0.5), 1e-9);
    assertEquals(0.15, WelcomeTimes.quantileSeconds(sum, 0.8), 1e-9);
    assertEquals(1.05, WelcomeTimes.quantileSeconds(sum, 0.9), 1e-9);
    assertEquals(3.05, WelcomeTimes.quantileSeconds(sum, 0.99), 1e-9);
    assertEquals(3.05, WelcomeTimes.quantileSeconds(sum, 1.0), 1e-9);
    assertEquals("80 15 0 5", WelcomeTimes.perSecond(sum));
    assertEquals("-", WelcomeTimes.perSecond(new TreeMap<>()));
  }

  @Test
  void outOfRangeTimesLandInTheEndBuckets() {
    WelcomeTimes w = new WelcomeTimes();
    w.add(-5 * MS);
    w.add(3_600_000 * MS);
    TreeMap<Integer, Long> sum = new TreeMap<>();
    WelcomeTimes.addHistogram(w.histogram(), sum);
    assertEquals(0.05, WelcomeTimes.quantileSeconds(sum, 0.5), 1e-9);
    assertEquals(600.0, WelcomeTimes.quantileSeconds(sum, 1.0), 1e-9);
    assertTrue(Double.isNaN(WelcomeTimes.quantileSeconds(new TreeMap<>(), 0.5)));
  }
}
