package org.daisyjava.worker;

import static org.daisyjava.worker.FakeScheduler.block;
import static org.daisyjava.worker.ProcessKindsTest.expectRelease;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.BlockCode.Kind;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.Goodbye;
import org.daisyjava.core.protocol.Message.Release;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Code that cannot run anywhere (exit 126/127 of the shell) ends the worker with a fatal goodbye
 * after its first block, instead of failing every block one by one.
 */
class FailFastTest {
  @TempDir Path dir;

  @Test
  void commandNotFoundFailsItsBlockAndSaysAFatalGoodbye() {
    assertFatal(BlockCode.of(Kind.COMMAND, "no-such-program-daisy --block $DAISY_BLOCK_ID"), 127,
        "command not found");
  }

  @Test
  void commandNotExecutableFailsItsBlockAndSaysAFatalGoodbye() throws IOException {
    Path script = Files.writeString(dir.resolve("process.sh"), "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-------"));
    assertFatal(BlockCode.of(Kind.COMMAND, script.toString()), 126, "command not executable");
  }

  @Test
  void streamCommandNotFoundSaysAFatalGoodbyeAtTheFirstBlock() {
    assertFatal(BlockCode.of(Kind.STREAM, "no-such-server-daisy"), 127, "command not found");
  }

  @Test
  void anOrdinaryExitCodeOnlyFailsTheBlock() {
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults())) {
      scheduler.welcome(BlockCode.of(Kind.COMMAND, "exit 125"), null);
      scheduler.expect(Acquire.class);
      scheduler.sendBlock(block("t", 1), 1);
      Release first = expectRelease(scheduler);
      assertFalse(first.success());
      scheduler.sendBlock(block("t", 2), 1);
      Release second = expectRelease(scheduler);
      assertEquals(2, second.blockId(), "the worker stays for the next block");
      ProcessKindsTest.finish(scheduler, worker);
    }
  }

  private static void assertFatal(BlockCode code, int exitCode, String meaning) {
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults())) {
      scheduler.welcome(code, null);
      scheduler.expect(Acquire.class);
      scheduler.sendBlock(block("t", 4), 1);
      Release release = expectRelease(scheduler);
      assertEquals(4, release.blockId());
      assertFalse(release.success());
      assertTrue(release.error().contains("exited with code " + exitCode), release.error());
      assertTrue(release.error().contains(meaning), release.error());
      Goodbye goodbye = scheduler.expect(Goodbye.class);
      assertTrue(goodbye.fatal(), "fatal for the task: " + goodbye);
      assertTrue(goodbye.reason().contains(meaning), goodbye.reason());
      assertEquals(WorkerExitCodes.CODE_FAILED, worker.awaitExit());
    }
  }
}
