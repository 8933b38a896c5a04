package org.daisyjava.launcher.it.local;

import static org.daisyjava.launcher.it.local.LaunchHarness.logged;
import static org.daisyjava.launcher.it.local.LaunchHarness.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.daisyjava.launcher.it.local.LaunchHarness.BlockEvent;
import org.daisyjava.launcher.it.local.LaunchHarness.Finished;
import org.daisyjava.launcher.it.local.LaunchHarness.Launched;
import org.daisyjava.scheduler.checkpoint.BlockBitSet;
import org.daisyjava.scheduler.checkpoint.CheckpointLog;
import org.daisyjava.scheduler.checkpoint.Recovery;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose run directory is on a small tmpfs that fills up while blocks run (a block fills
 * it with zeros once 40 blocks have ended): the checkpoint log's next page cannot be written,
 * and the launcher stops the run with exit code 3, naming the log and the OS error, instead of
 * hanging. The run directory, copied to a real disk, resumes to exit 0 and no block that the
 * log had recorded runs again.
 *
 * <p>Needs {@code mount -t tmpfs} (root, or a user namespace that allows it); skipped with a
 * message where mounting is not permitted.
 */
@Timeout(600)
class FullDiskTest {
  private static final int BLOCKS = 900;
  private static final int FILL_AFTER = 40;

  @TempDir
  Path dir;

  private Path config(int generation, Path blockLog, Path fill, Path filledMarker) throws IOException {
    // once FILL_AFTER blocks have ended, the first block to see it fills the tmpfs (mkdir is the
    // once-only guard; the marker is on the real disk)
    String body = "if [ \"$(grep -c ' end ' \"" + blockLog + "\")\" -ge " + FILL_AFTER + " ]"
        + " && mkdir \"" + filledMarker + "\" 2>/dev/null; then cat /dev/zero > \"" + fill
        + "\" 2>/dev/null; fi; true";
    Path config = dir.resolve("full-" + generation + ".yaml");
    Files.writeString(config, """
        name: full
        scheduler: {heartbeat_interval: 200ms, heartbeat_liveness: 5}
        worker: {jvm_options: %s, env: {RUN_GEN: "%d"}}
        tasks:
          - name: a
            total_roi: {offset: [0, 0], shape: [600, 600]}
            read_roi: {offset: [0, 0], shape: [20, 20]}
            write_roi: {offset: [0, 0], shape: [20, 20]}
            num_workers: 2
            process: {command: %s}
        """.formatted(LaunchHarness.WORKER_JVM_OPTIONS, generation, yaml(logged(blockLog, body))));
    return config;
  }

  @Test
  void aRunOnAFullDiskExitsThreeNamingTheLogAndResumesOnARealDisk() throws Exception {
    Path mount = dir.resolve("tmpfs");
    Files.createDirectories(mount);
    Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString())
        .redirectErrorStream(true).start();
    String mountOut = new String(m.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assumptions.assumeTrue(m.waitFor() == 0,
        "FullDiskTest skipped: mounting a tmpfs is not permitted here: " + mountOut.strip());
    Path runDir = mount.resolve("run");
    Path blockLog = dir.resolve("blocks.log");
    Path marker = dir.resolve("filled");
    Recovery recorded;
    Finished full;
    long fillToExitMillis;
    try {
      Launched l = LaunchHarness.start(dir, "--run-dir", runDir.toString(),
          config(1, blockLog, mount.resolve("fill"), marker).toString());
      if (!l.awaitWhileRunning(() -> Files.exists(marker))) {
        fail("the run ended before the disk was filled: " + l.await().output());
      }
      long filledAt = System.nanoTime();
      full = l.await();
      fillToExitMillis = (System.nanoTime() - filledAt) / 1_000_000;
      recorded = CheckpointLog.recover(runDir.resolve("checkpoint.log"));
      copy(runDir, dir.resolve("copy"));
    } finally {
      Process u = new ProcessBuilder("umount", mount.toString()).redirectErrorStream(true).start();
      u.getInputStream().readAllBytes();
      assertEquals(0, u.waitFor(), "umount " + mount);
    }
    System.out.println("FullDiskTest: exit " + full.exitCode() + " " + fillToExitMillis
        + " ms after the disk was filled; the log kept " + recorded.report());
    System.out.println("FullDiskTest: stderr: " + full.stderr().strip());

    assertEquals(3, full.exitCode(), full.output());
    assertTrue(full.stderr().contains("writing the checkpoint log " + runDir.resolve("checkpoint.log")
        + " failed: No space left on device"), full.output());
    assertTrue(full.stderr().contains("--resume"), "the message says how to go on: " + full.output());
    BlockBitSet done = recorded.done(0);
    assertTrue(done.cardinality() > 0, "the blocks logged before the disk filled are kept");
    assertTrue(done.cardinality() < BLOCKS, "the run stopped before its end");

    Path copy = dir.resolve("copy");
    Finished resumed = LaunchHarness.run(dir, "--resume", "--run-dir", copy.toString(),
        config(2, blockLog, dir.resolve("unused-fill"), marker).toString());
    assertEquals(0, resumed.exitCode(), resumed.output());

    List<BlockEvent> events = LaunchHarness.readBlockLog(blockLog);
    List<String> reruns = new ArrayList<>();
    Set<Long> ended = new HashSet<>();
    for (BlockEvent e : events) {
      if (e.start() && e.generation() == 2 && done.get(e.blockId())) {
        reruns.add("block " + e.blockId());
      }
      if (!e.start()) {
        ended.add(e.blockId());
      }
    }
    assertEquals(List.of(), reruns, "blocks logged before the disk filled ran again");
    assertEquals(BLOCKS, ended.size(), "every block ran to its end over both launches");
    assertEquals(BLOCKS, CheckpointLog.recover(copy.resolve("checkpoint.log")).done(0).cardinality());
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
