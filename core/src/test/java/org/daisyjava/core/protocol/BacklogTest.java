package org.daisyjava.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.zeromq.ZContext;

/** The scheduler's listen backlog: every worker of the run may connect at once, within the kernel's cap. */
class BacklogTest {
  @Test
  void theBacklogHoldsEveryWorkerOfTheRunUpToTheKernelsCap() {
    assertEquals(ZmqSockets.MIN_BACKLOG, ZmqSockets.backlogFor(0, 4096), "unknown size: the minimum");
    assertEquals(ZmqSockets.MIN_BACKLOG, ZmqSockets.backlogFor(100, 4096));
    assertEquals(2064, ZmqSockets.backlogFor(2000, 4096), "all workers plus room for reconnects");
    assertEquals(4096, ZmqSockets.backlogFor(10_000, 4096), "capped by somaxconn");
    assertEquals(128, ZmqSockets.backlogFor(10_000, 128));
    assertEquals(128, ZmqSockets.backlogFor(0, 128), "the cap wins over the minimum");
    assertEquals(4096, ZmqSockets.backlogFor(Integer.MAX_VALUE, 4096), "no overflow");
  }

  @Test
  void somaxconnIsTheKernelsValue() throws Exception {
    Path p = Path.of("/proc/sys/net/core/somaxconn");
    int expected = Files.isReadable(p) ? Integer.parseInt(Files.readString(p).trim()) : 4096;
    assertEquals(expected, ZmqSockets.somaxconn());
  }

  @Test
  void theRouterGetsTheBacklogItWasGiven() {
    try (ZContext context = ZmqSockets.context();
        ZmqSockets.ServerEndpoint server = ZmqSockets.router(context, ServerSecurity.PLAIN, 3000)) {
      assertEquals(3000, server.socket().getBacklog());
    }
    try (ZContext context = ZmqSockets.context()) {
      assertThrows(IllegalArgumentException.class, () -> ZmqSockets.router(context, ServerSecurity.PLAIN, 0));
    }
  }
}
