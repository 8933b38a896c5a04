package org.daisyjava.worker;

import static org.daisyjava.worker.FakeScheduler.block;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.BlockCode.Kind;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.Goodbye;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** daisy-worker as its own process, as a job script runs it. */
class WorkerMainProcessTest {
  @TempDir Path dir;

  @Test
  void sigtermKillsTheRunningBlockSaysGoodbyeAndExitsPromptly() throws Exception {
    try (FakeScheduler scheduler = new FakeScheduler()) {
      Path log = dir.resolve("worker.err");
      Process worker = WorkerProcess.start(scheduler, dir, List.of());
      try {
        scheduler.welcome(BlockCode.of(Kind.COMMAND, "sleep 100"), null);
        scheduler.expect(Acquire.class);
        scheduler.sendBlock(block("t", 1), 1);
        ProcessHandle sleep = awaitDescendant(worker.toHandle(), "sleep");

        worker.destroy(); // SIGTERM, as scancel sends
        Message m = scheduler.next();
        while (m instanceof Acquire) {
          m = scheduler.next();
        }
        assertTrue(m instanceof Goodbye g && g.reason().equals("stopped"), "got " + m);
        assertTrue(worker.waitFor(10, TimeUnit.SECONDS), "the worker exits promptly");
        assertEquals(WorkerExitCodes.STOPPED, worker.exitValue());
        LeavingTest.awaitGone(sleep.pid());
      } finally {
        worker.destroyForcibly();
      }
      List<String> lines = Files.readAllLines(log);
      assertTrue(lines.stream().anyMatch(l ->
              l.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO worker .*: connected to .*")),
          "one-line log records: " + lines);
      assertTrue(lines.stream().anyMatch(l -> l.endsWith("asked to stop; leaving")),
          "what happens after SIGTERM is logged too: " + lines);
    }
  }

  @Test
  void exitsWithTheNeverConnectedCodeAndAReasonLineWhenNoSchedulerAnswers() throws Exception {
    Process worker = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
            "--connect", "tcp://127.0.0.1:" + HandshakeTest.freePort(), "--task", "t",
            "--connect-timeout", "300ms")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("worker.log").toFile())
        .start();
    assertTrue(worker.waitFor(20, TimeUnit.SECONDS));
    assertEquals(WorkerExitCodes.NEVER_CONNECTED, worker.exitValue());
    List<String> lines = Files.readAllLines(dir.resolve("worker.log"));
    assertTrue(lines.stream().anyMatch(l -> l.contains(WorkerExitCodes.NEVER_CONNECTED_LINE)
            && l.contains("no scheduler answered at tcp://127.0.0.1:") && l.contains("scheduler.host")),
        "the log says why: " + lines);
  }

  private static ProcessHandle awaitDescendant(ProcessHandle root, String command)
      throws InterruptedException {
    long until = System.nanoTime() + FakeScheduler.PATIENCE.toNanos();
    while (System.nanoTime() < until) {
      var found = root.descendants()
          .filter(p -> p.info().command().map(c -> c.endsWith("/" + command)).orElse(false))
          .findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no process " + command + " under " + root.pid());
  }
}
