package org.daisyjava.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.zeromq.ZContext;

/** The scheduler's I/O threads: one per processor up to 4, more for many workers, bounded. */
class IoThreadsTest {
  @Test
  void smallRunsGetOnePerProcessorUpToFour() {
    assertEquals(2, ZmqSockets.ioThreadsFor(1, 2));
    assertEquals(1, ZmqSockets.ioThreadsFor(100, 1));
    assertEquals(4, ZmqSockets.ioThreadsFor(100, 64), "a big head node");
  }

  @Test
  void workersOfUnknownNumberGetEnoughForThousands() {
    assertEquals(8, ZmqSockets.ioThreadsFor(0, 2), "unknown size (external workers)");
    assertEquals(8, ZmqSockets.ioThreadsFor(-5, 2), "nonsense counts as unknown");
    assertEquals(8, ZmqSockets.ioThreadsFor(0, 64));
    assertEquals(ZmqSockets.UNSIZED_IO_THREADS, ZmqSockets.ioThreadsFor(0, 1));
  }

  @Test
  void manyWorkersGetAThreadPerThreeHundredTwelveUpToThirtyTwo() {
    assertEquals(2, ZmqSockets.ioThreadsFor(624, 2));
    assertEquals(3, ZmqSockets.ioThreadsFor(625, 2));
    assertEquals(7, ZmqSockets.ioThreadsFor(2000, 2));
    assertEquals(32, ZmqSockets.ioThreadsFor(10_000, 2));
    assertEquals(16, ZmqSockets.ioThreadsFor(4992, 64), "processors do not shrink what connections need");
    assertEquals(ZmqSockets.MAX_IO_THREADS, ZmqSockets.ioThreadsFor(100_000, 2));
    assertEquals(ZmqSockets.MAX_IO_THREADS, ZmqSockets.ioThreadsFor(Integer.MAX_VALUE, 2), "no overflow");
  }

  @Test
  void theServerContextHasThem() {
    int processors = Runtime.getRuntime().availableProcessors();
    try (ZContext context = ZmqSockets.serverContext(10_000)) {
      assertEquals(ZmqSockets.ioThreadsFor(10_000, processors), context.getIoThreads());
    }
  }
}
