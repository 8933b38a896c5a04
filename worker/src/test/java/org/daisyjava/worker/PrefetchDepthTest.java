package org.daisyjava.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PrefetchDepthTest {
  private static PrefetchDepth after(int blocks, long nanos) {
    PrefetchDepth d = new PrefetchDepth();
    for (int i = 0; i < blocks; i++) {
      d.finished(nanos);
    }
    return d;
  }

  @Test
  void startsWithOneRunningAndOnePrefetched() {
    assertEquals(PrefetchDepth.MIN, new PrefetchDepth().current());
    assertEquals(PrefetchDepth.MIN, after(5, 1_000).current(), "too few blocks seen to judge");
  }

  @Test
  void blocksOfMillisecondsKeepTheMinimum() {
    assertEquals(PrefetchDepth.MIN, after(100, 2_000_000).current());
    assertEquals(PrefetchDepth.MIN, after(100, 3_000_000_000L).current());
  }

  @Test
  void shorterBlocksAskForMoreUpToTheBound() {
    assertEquals(4, after(100, 1_000_000).current());
    assertEquals(40, after(100, 100_000).current());
    assertEquals(PrefetchDepth.MAX, after(100, 1_000).current());
  }

  @Test
  void slowBlocksAfterFastOnesBringTheDepthBackDown() {
    PrefetchDepth d = after(100, 1_000);
    for (int i = 0; i < 60; i++) {
      d.finished(50_000_000);
    }
    assertEquals(PrefetchDepth.MIN, d.current());
  }
}
