package org.daisyjava.launcher.it.local;

import static org.daisyjava.launcher.it.local.LaunchHarness.assertSameFiles;
import static org.daisyjava.launcher.it.local.LaunchHarness.logged;
import static org.daisyjava.launcher.it.local.LaunchHarness.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.daisyjava.launcher.it.local.LaunchHarness.Finished;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resumes that must be refused with exit code 2, a message saying why, and the run directory
 * exactly as it was (nothing created, truncated or overwritten).
 */
@Timeout(300)
class BadResumeTest {
  @TempDir
  Path dir;

  private Path config(String name, Path runDir, String task, int size) throws Exception {
    Path config = dir.resolve(name + ".yaml");
    Files.writeString(config, """
        name: %s
        run_dir: %s
        tasks:
          - name: %s
            total_roi: {offset: [0, 0], shape: [%d, %d]}
            read_roi: {offset: [-5, -5], shape: [20, 20]}
            write_roi: {offset: [0, 0], shape: [10, 10]}
            num_workers: 2
            process: {command: %s}
        """.formatted(name, runDir, task, size, size, yaml(logged(dir.resolve("blocks.log"), "true"))));
    return config;
  }

  /** A finished run of 25 blocks in {@code runDir}. */
  private Path finishedRun(Path runDir) throws Exception {
    Path config = config("first", runDir, "a", 60);
    Finished f = LaunchHarness.run(dir, config.toString());
    assertEquals(0, f.exitCode(), f.output());
    assertTrue(Files.size(runDir.resolve("checkpoint.log")) > 25 * 20, "the log should hold 25 records");
    return config;
  }

  @Test
  void resumeWithoutARunDirectoryIsRefusedAndCreatesNothing() throws Exception {
    Path runDir = dir.resolve("never-run");
    Path config = config("missing", runDir, "a", 60);

    Finished f = LaunchHarness.run(dir, "--resume", config.toString());

    assertEquals(2, f.exitCode(), f.output());
    assertTrue(f.stderr().contains("nothing to resume") && f.stderr().contains("never-run"), f.output());
    assertFalse(Files.exists(runDir), "a refused resume created " + runDir);
    assertFalse(Files.exists(dir.resolve("blocks.log")), "a refused resume ran blocks");
  }

  @Test
  void resumeAfterChangingATasksRoiIsRefusedNamingTheChangeAndLeavesTheLogAlone() throws Exception {
    Path runDir = dir.resolve("run");
    finishedRun(runDir);
    Map<Path, byte[]> before = LaunchHarness.files(runDir);
    Path changed = config("first", runDir, "a", 80);

    Finished f = LaunchHarness.run(dir, "--resume", changed.toString());

    assertEquals(2, f.exitCode(), f.output());
    assertTrue(f.stderr().contains("task a: total_roi changed from [0,0]+[60,60] to [0,0]+[80,80]"), f.output());
    assertSameFiles(before, LaunchHarness.files(runDir), "run directory after a refused resume");
  }

  @Test
  void resumeOfARunDirectoryWhoseLogBelongsToAnotherConfigIsRefused() throws Exception {
    Path runDir = dir.resolve("run");
    finishedRun(runDir);
    Map<Path, byte[]> before = LaunchHarness.files(runDir);
    Path other = config("other", dir.resolve("other-run"), "segment", 60);

    Finished f = LaunchHarness.run(dir, "--resume", "--run-dir", runDir.toString(), other.toString());

    assertEquals(2, f.exitCode(), f.output());
    assertTrue(f.stderr().contains("task a was removed") && f.stderr().contains("task segment was added"),
        f.output());
    assertSameFiles(before, LaunchHarness.files(runDir), "run directory after a refused resume");
    assertFalse(Files.exists(dir.resolve("other-run")));
  }

  @Test
  void resumeFromAFileThatIsNoCheckpointLogIsRefusedAndTheFileKept() throws Exception {
    Path runDir = dir.resolve("run");
    Files.createDirectories(runDir);
    Files.writeString(runDir.resolve("checkpoint.log"), "these are someone's notes, not a log\n");
    Map<Path, byte[]> before = LaunchHarness.files(runDir);
    Path config = config("notes", runDir, "a", 60);

    Finished f = LaunchHarness.run(dir, "--resume", config.toString());

    assertEquals(2, f.exitCode(), f.output());
    assertTrue(f.stderr().contains("not a daisy-java checkpoint log"), f.output());
    assertSameFiles(before, LaunchHarness.files(runDir), "run directory after a refused resume");
  }

  @Test
  void startingAfreshWhereARunExistsIsRefusedAndOverwritesNothing() throws Exception {
    Path runDir = dir.resolve("run");
    Path config = finishedRun(runDir);
    Map<Path, byte[]> before = LaunchHarness.files(runDir);
    long blockLines = Files.readAllLines(dir.resolve("blocks.log"), StandardCharsets.UTF_8).size();

    Finished f = LaunchHarness.run(dir, config.toString());

    assertEquals(2, f.exitCode(), f.output());
    assertTrue(f.stderr().contains("already holds a run") && f.stderr().contains("--resume"), f.output());
    assertSameFiles(before, LaunchHarness.files(runDir), "run directory after a refused start");
    assertEquals(blockLines, Files.readAllLines(dir.resolve("blocks.log")).size(), "blocks ran");
  }
}
