package org.daisyjava.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {
  @Test
  void everyUnitAndFractions() {
    assertEquals(Duration.ofMillis(500), DurationText.parse("500ms"));
    assertEquals(Duration.ofMillis(1500), DurationText.parse(" 1.5s "));
    assertEquals(Duration.ofMinutes(10), DurationText.parse("10m"));
    assertEquals(Duration.ofHours(2), DurationText.parse("2h"));
    assertEquals(Duration.ofDays(1), DurationText.parse("1d"));
    assertEquals(Duration.ofSeconds(30), DurationText.parse("30 s"));
  }

  @Test
  void anythingElseSaysWhatIsExpected() {
    for (String bad : new String[] {"30", "soon", "10 min", "02:00:00", "-1s", "", "1e3s"}) {
      assertEquals("expected a duration such as 500ms, 30s, 10m or 2h, got '" + bad.trim() + "'",
          assertThrows(IllegalArgumentException.class, () -> DurationText.parse(bad)).getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> DurationText.parse("99999999d"));
  }
}
