package org.daisyjava.worker;

import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * daisy-worker's log manager. The JDK's own removes every log handler as soon as the JVM starts
 * shutting down, so what the worker logs while it stops on SIGTERM (the goodbye, the killed block)
 * would be lost. This one only flushes them then. Public because java.util.logging instantiates it
 * by name ({@code java.util.logging.manager}); not for use elsewhere.
 */
public final class WorkerLogManager extends LogManager {
  public WorkerLogManager() {}

  @Override
  public void reset() {
    if (!isShuttingDown()) {
      super.reset();
      return;
    }
    for (Handler handler : Logger.getLogger("").getHandlers()) {
      handler.flush();
    }
  }

  /** Shutdown hooks cannot be added once shutdown has begun: the only public way to ask. */
  private static boolean isShuttingDown() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }
}
