package org.daisyjava.launcher.it.local;

import static org.daisyjava.launcher.it.local.LaunchHarness.logged;
import static org.daisyjava.launcher.it.local.LaunchHarness.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.daisyjava.launcher.it.local.LaunchHarness.Finished;
import org.daisyjava.launcher.it.local.LaunchHarness.Launched;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM early in a launch exits 130, never the JVM's 143.
 *
 * <p>Before the run begins: the config is a FIFO, so the launcher provably sits inside its own
 * code (reading the config) when the signal comes — the test's open of the FIFO for writing
 * returns only once the launcher has opened it. It exits 130 with one line and leaves no run
 * directory. Just after the run began (the lock file appeared): wherever the launcher is — run
 * directory, scheduler, workers starting — it ends the run as interrupted, 130.
 */
@Timeout(300)
class EarlySignalTest {
  private static final int REPEATS = 4;

  @TempDir
  Path dir;

  private String configText(Path runDir) {
    return """
        name: early
        run_dir: %s
        scheduler: {heartbeat_interval: 200ms, heartbeat_liveness: 5}
        tasks:
          - name: a
            total_roi: {offset: [0, 0], shape: [60, 60]}
            read_roi: {offset: [-5, -5], shape: [20, 20]}
            write_roi: {offset: [0, 0], shape: [10, 10]}
            num_workers: 2
            process: {command: %s}
        """.formatted(runDir, yaml(logged(dir.resolve("blocks.log"), "sleep 0.1")));
  }

  @Test
  void sigtermWhileTheLauncherReadsItsConfigExits130AndLeavesNothing() throws Exception {
    for (int i = 0; i < REPEATS; i++) {
      Path runDir = dir.resolve("run-" + i);
      Path fifo = dir.resolve("config-" + i + ".yaml");
      Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
      assertEquals(0, mkfifo.waitFor(), "mkfifo");
      Launched l = LaunchHarness.start(dir, fifo.toString());
      // open(2) of a FIFO for writing returns once a reader has opened it: the launcher's
      // ConfigLoader, past JVM start-up and argument parsing
      CompletableFuture<OutputStream> writer = CompletableFuture.supplyAsync(() -> {
        try {
          return Files.newOutputStream(fifo);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      OutputStream w = writer.get(LaunchHarness.RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      l.signal("TERM");
      Finished f = l.await();
      try {
        w.write(configText(runDir).getBytes(StandardCharsets.UTF_8));
        w.close();
      } catch (java.io.IOException e) {
        // the reader is gone (EPIPE): expected
      }
      System.out.println("EarlySignalTest: TERM while reading the config: exit " + f.exitCode()
          + ": " + f.stderr().strip());
      assertEquals(130, f.exitCode(), f.output());
      assertEquals("daisy-launch: SIGTERM before the run began; nothing was started", f.stderr().strip(),
          f.output());
      assertFalse(Files.exists(runDir), "a launch stopped before it began created " + runDir);
    }
  }

  @Test
  void sigtermJustAfterTheRunBeganExits130() throws Exception {
    for (int i = 0; i < REPEATS; i++) {
      Path runDir = dir.resolve("begun-" + i);
      Path config = dir.resolve("begun-" + i + ".yaml");
      Files.writeString(config, configText(runDir));
      Launched l = LaunchHarness.start(dir, config.toString());
      Path lock = runDir.resolve("lock");
      assertTrue(l.awaitWhileRunning(() -> Files.exists(lock)), "the launcher ended before it locked " + runDir);
      l.signal("TERM");
      Finished f = l.await();
      System.out.println("EarlySignalTest: TERM once " + lock + " appeared: exit " + f.exitCode());
      assertEquals(130, f.exitCode(), f.output());
      LaunchHarness.awaitExit(l.descendants(), "workers of the interrupted run");
    }
  }
}
