package org.daisyjava.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.zeromq.ZContext;

/** The scheduler's listen backlog: every worker of the run may connect at once, within the kernel's cap. */
class BacklogTest {
  @Test
  void theBacklogHoldsEveryWorkerOfTheRunUpToTheKernelsCap() {
    assertEquals(4096, ZmqSockets.backlogFor(0, 4096), "unknown size (external workers): the kernel's cap");
    assertEquals(4096, ZmqSockets.backlogFor(-1, 4096), "nonsense counts as unknown");
    assertEquals(ZmqSockets.MIN_BACKLOG, ZmqSockets.backlogFor(100, 4096));
    assertEquals(2064, ZmqSockets.backlogFor(2000, 4096), "all workers plus room for reconnects");
    assertEquals(4096, ZmqSockets.backlogFor(10_000, 4096), "capped by somaxconn");
    assertEquals(128, ZmqSockets.backlogFor(10_000, 128));
    assertEquals(128, ZmqSockets.backlogFor(1, 128), "the cap wins over the minimum");
    assertEquals(128, ZmqSockets.backlogFor(0, 128));
    assertEquals(4096, ZmqSockets.backlogFor(Integer.MAX_VALUE, 4096), "no overflow");
  }

  @Test
  void somaxconnIsTheKernelsValue() throws Exception {
    Path p = Path.of("/proc/sys/net/core/somaxconn");
    // what the kernel says, read by another program (Files.readString of a /proc file cut it)
    int expected = 4096;
    if (Files.isReadable(p)) {
      Process cat = new ProcessBuilder("cat", p.toString()).start();
      expected = Integer.parseInt(new String(cat.getInputStream().readAllBytes()).trim());
      cat.waitFor();
    }
    assertEquals(expected, ZmqSockets.somaxconn());
    assertTrue(ZmqSockets.somaxconn() >= 128, "no kernel since 2.6 caps backlogs below 128");
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
