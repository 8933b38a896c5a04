package org.daisyjava.launcher.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lock between launches of one JVM (the library API, tests), where the operating system's
 * lock cannot tell them apart, and the record's life cycle. Across processes: it/local/RunLockTest.
 */
class RunLockInProcessTest {
  @TempDir
  Path dir;

  @Test
  void aSecondLaunchInTheSameProcessIsRefusedAndTheFirstKeepsItsLock() throws Exception {
    RunDirectory run = RunDirectory.at(dir.resolve("run"));
    try (RunLock first = run.lock()) {
      String record = Files.readString(run.lockFile());
      assertTrue(record.startsWith("daisy-launch pid " + ProcessHandle.current().pid() + " on host "), record);
      LaunchException again = assertThrows(LaunchException.class, run::lock);
      assertEquals(2, again.exitCode());
      assertTrue(again.getMessage().contains("is in use by another launch in this process"), again.getMessage());
      LaunchException probe = assertThrows(LaunchException.class, run::refuseIfInUse);
      assertEquals(2, probe.exitCode());
      assertTrue(first.stillInPlace());
      assertEquals(record, Files.readString(run.lockFile()), "the refused attempts left the record alone");
    }
    assertEquals("", Files.readString(run.lockFile()), "a clean release empties the record");
    try (RunLock second = run.lock()) {
      assertTrue(second.stillInPlace());
    }
  }

  @Test
  void probingADirectoryWithoutALockCreatesNothing() throws Exception {
    RunDirectory run = RunDirectory.at(dir.resolve("never"));
    run.refuseIfInUse();
    assertFalse(Files.exists(dir.resolve("never")));
  }

  @Test
  void aReplacedLockFileIsNoticed() throws Exception {
    RunDirectory run = RunDirectory.at(dir.resolve("run"));
    try (RunLock lock = run.lock()) {
      Path moved = dir.resolve("moved");
      Files.move(run.root(), moved);
      assertFalse(lock.stillInPlace(), "the run directory moved away");
      Files.createDirectories(run.root());
      Files.writeString(run.lockFile(), "");
      assertFalse(lock.stillInPlace(), "a new directory with a new lock file is not ours");
    }
  }

  @Test
  void controlCharactersInTheRunDirectoryAreRefused() {
    LaunchException e = assertThrows(LaunchException.class, () -> RunDirectory.at(dir.resolve("a\nb")));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("\\n"), "shown escaped, on one line: " + e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }
}
