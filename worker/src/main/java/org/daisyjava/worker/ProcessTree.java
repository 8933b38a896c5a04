package org.daisyjava.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends a process together with everything it started: {@code /bin/sh -c "a | b"} runs its commands
 * as children, and killing only the shell would leave them running (and holding their block's
 * output).
 */
final class ProcessTree {
  /** How long processes get to exit after SIGTERM before they are killed with SIGKILL. */
  static final Duration GRACE = Duration.ofSeconds(2);

  private ProcessTree() {}

  /**
   * Sends SIGTERM to {@code root} and all its descendants now and SIGKILL to those still alive after
   * {@link #GRACE}. Returns at once.
   */
  static void terminate(ProcessHandle root) {
    // collect descendants before the root dies: orphans are re-parented and no longer found
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(root);
    root.descendants().forEach(tree::add);
    for (ProcessHandle p : tree) {
      p.destroy();
    }
    CompletableFuture.delayedExecutor(GRACE.toMillis(), TimeUnit.MILLISECONDS)
        .execute(
            () -> {
              for (ProcessHandle p : tree) {
                if (p.isAlive()) {
                  p.destroyForcibly();
                }
              }
            });
  }
}
