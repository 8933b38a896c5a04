package org.daisyjava.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcessUsageTest {
  /** A real stat line's shape, with a name that holds a space and a parenthesis. */
  private static final String STAT = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 2154 0 0 0 "
      + "125 37 9 4 20 0 21 0 1234 3000000000 20000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0";

  @Test
  void cpuIsTheProcesssAndItsEndedChildrensTimeInMilliseconds() {
    // utime 125 + stime 37 + cutime 9 + cstime 4 ticks of 10 ms
    assertEquals(1750, ProcessUsage.cpuMillis(STAT));
  }

  @Test
  void peakIsVmHwmAndAStatusWithoutOneGivesNoUsage() {
    String status = "Name:\tjava\nVmPeak:\t 9000 kB\nVmHWM:\t   81920 kB\nVmRSS:\t 70000 kB\n";
    assertEquals(new ProcessUsage(1750, 81920), ProcessUsage.parse(STAT, status));
    assertNull(ProcessUsage.parse(STAT, "Name:\tkthreadd\nState:\tS (sleeping)\n"));
  }

  @Test
  void thisProcessReadsItselfWhereThereIsAProc() {
    ProcessUsage self = ProcessUsage.ofSelf();
    if (!Files.isDirectory(Path.of("/proc/self"))) {
      assertNull(self);
      return;
    }
    assertTrue(self.peakRssKb() > 1024, self.toString()); // a JVM holds more than a megabyte
    assertTrue(self.cpuMillis() > 0, self.toString()); // and has run a while to get here
    assertEquals(null, ProcessUsage.ofPid(Long.MAX_VALUE), "no such process");
  }

  @Test
  void valuesOutsideTheBoundsAreNotAUsage() {
    assertThrows(IllegalArgumentException.class, () -> new ProcessUsage(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> new ProcessUsage(0, ProcessUsage.MAX_PEAK_RSS_KB + 1));
    assertThrows(IllegalArgumentException.class, () -> new ProcessUsage(ProcessUsage.MAX_CPU_MILLIS + 1, 0));
  }
}
