package org.daisyjava.worker;

import static org.daisyjava.worker.FakeScheduler.block;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.BlockCode.Kind;
import org.daisyjava.core.protocol.Message;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.Goodbye;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

  /**
   * scancel signals every process of the job at once, and LSF's walltime warning (USR1) does too,
   * so the block's process may die before the worker's JVM has acted on its own signal. Here that
   * order is forced: the block's process gets the signal first, the worker later. The block must go
   * back with the goodbye, not as a failure (a retry used up), and the queued block must not start.
   * The grace is made longer than any wait here, so the order of events, not the machine's speed,
   * decides the outcome.
   */
  @ParameterizedTest(name = "{0} killed by SIG{1}")
  @CsvSource({"COMMAND, TERM", "STREAM, TERM", "COMMAND, USR1"})
  void aBlockKilledByTheJobsSignalBeforeTheWorkerHearsItsOwnIsHandedBackNotFailed(Kind kind, String signal)
      throws Exception {
    try (FakeScheduler scheduler = new FakeScheduler()) {
      Path started = dir.resolve("started.txt");
      // as the job scripts start it: USR1 ignored until the JVM's handler takes it
      Process worker = WorkerProcess.start(scheduler, dir, List.of("bash", "-c", "trap '' USR1; exec \"$@\"", "job"),
          List.of("-D" + JobSignal.GRACE_PROPERTY + "=10m"));
      try {
        ProcessHandle sleep = startSleepingBlockWithOneQueued(scheduler, worker, kind, started);

        WorkerProcess.signal(signal, sleep.pid()); // the block's process first
        LeavingTest.awaitGone(sleep.pid());
        // without the grace the failure goes out at once
        Message early = scheduler.nextWithin(Duration.ofMillis(500));
        assertNull(early, "nothing is reported before the worker hears its own signal");
        WorkerProcess.signal(signal, worker.pid());
        Message m = scheduler.next();
        while (m instanceof Acquire) {
          m = scheduler.next();
        }
        String reason = signal.equals("TERM") ? "stopped" : "walltime drain";
        assertTrue(m instanceof Goodbye g && g.reason().equals(reason), "got " + m);
        assertTrue(worker.waitFor(10, TimeUnit.SECONDS), "the worker exits promptly");
        assertEquals(signal.equals("TERM") ? WorkerExitCodes.STOPPED : WorkerExitCodes.FINISHED, worker.exitValue());
        assertEquals(List.of("1"), Files.readAllLines(started), "the queued block 2 never started");
      } finally {
        worker.destroyForcibly();
      }
    }
  }

  /** The same SIGTERM with no stop of the worker after it: the block fails, once the grace is over. */
  @Test
  void aBlockKilledBySigtermWhileTheWorkerRunsOnFails() throws Exception {
    try (FakeScheduler scheduler = new FakeScheduler()) {
      Path started = dir.resolve("started.txt");
      Process worker = WorkerProcess.start(scheduler, dir, List.of(),
          List.of("-D" + JobSignal.GRACE_PROPERTY + "=200ms"));
      try {
        ProcessHandle sleep = startSleepingBlockWithOneQueued(scheduler, worker, Kind.COMMAND, started);

        sleep.destroy();
        Message m = scheduler.next();
        while (m instanceof Acquire) {
          m = scheduler.next();
        }
        Message.Release release = assertInstanceOf(Message.Release.class, m);
        assertEquals(1, release.blockId());
        assertFalse(release.success());
        assertTrue(release.error().contains("command exited with code 143"), release.error());
        List<String> log = Files.readAllLines(dir.resolve("worker.err"));
        assertTrue(log.stream().anyMatch(l -> l.contains("block 1: its process was killed by signal 15")), "log: " + log);
      } finally {
        worker.destroyForcibly();
      }
    }
  }

  /**
   * Welcomes the worker with code that notes its block and sleeps (a command, or a stream process
   * that reads its first block), answers its two acquires with blocks 1 and 2, and returns block
   * 1's sleep.
   */
  private ProcessHandle startSleepingBlockWithOneQueued(FakeScheduler scheduler, Process worker, Kind kind,
      Path started) throws InterruptedException {
    String code = kind == Kind.COMMAND
        ? "echo \"$DAISY_BLOCK_ID\" >> '" + started + "'; exec sleep 100"
        : "read -r request; echo 1 >> '" + started + "'; exec sleep 100";
    scheduler.welcome(BlockCode.of(kind, code), null);
    scheduler.expect(Acquire.class);
    scheduler.sendBlock(block("t", 1), 1);
    scheduler.expect(Acquire.class);
    scheduler.sendBlock(block("t", 2), 1);
    return awaitDescendant(worker.toHandle(), "sleep");
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
