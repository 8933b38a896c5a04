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

/**
 * The walltime drain: SIGUSR1 (which the job scripts ask SLURM and LSF to send before the
 * walltime) or the worker's own clock ({@code --drain-after}) makes it hand back its block, say
 * goodbye and exit 0; a stop still wins.
 */
class DrainTest {
  @TempDir Path dir;

  /**
   * Started as the job scripts start it: from a shell that ignores USR1 and execs the JVM, whose
   * handler must still take the signal (an ignored disposition survives exec).
   */
  @Test
  void usr1HandsBackTheRunningBlockSaysGoodbyeAndExitsZero() throws Exception {
    try (FakeScheduler scheduler = new FakeScheduler()) {
      Path log = dir.resolve("worker.err");
      Process worker = WorkerProcess.start(scheduler, dir,
          List.of("bash", "-c", "trap '' USR1; exec \"$@\"", "job-script"));
      try {
        scheduler.welcome(BlockCode.of(Kind.COMMAND, "sleep 100"), null);
        scheduler.expect(Acquire.class);
        scheduler.sendBlock(block("t", 1), 1);
        ProcessHandle sleep = awaitDescendant(worker.toHandle(), "sleep");

        WorkerProcess.signal("USR1", worker.pid());
        Message m = scheduler.next();
        while (m instanceof Acquire) {
          m = scheduler.next();
        }
        assertTrue(m instanceof Goodbye g && g.reason().equals("walltime drain"), "got " + m);
        assertTrue(worker.waitFor(10, TimeUnit.SECONDS), "the worker exits promptly");
        assertEquals(WorkerExitCodes.FINISHED, worker.exitValue(), "a drain is a clean exit");
        LeavingTest.awaitGone(sleep.pid());
      } finally {
        worker.destroyForcibly();
      }
      assertTrue(Files.readString(log).contains("the job's walltime is near; handing back and leaving"),
          Files.readString(log));
    }
  }

  /**
   * {@code --drain-after 2s}, no signal: the worker drains by itself, not before two seconds past
   * its process's start, whether or not it had its block yet (a slow start may take that long).
   */
  @Test
  void theDrainClockDrainsTheWorkerWithoutASignal() throws Exception {
    try (FakeScheduler scheduler = new FakeScheduler()) {
      Path log = dir.resolve("worker.err");
      Process worker = WorkerProcess.start(scheduler, dir, List.of(), "--drain-after", "2s");
      try {
        scheduler.welcome(BlockCode.of(Kind.COMMAND, "sleep 100"), null);
        boolean sent = false;
        Message m = scheduler.next();
        while (m instanceof Acquire) {
          if (!sent) {
            scheduler.sendBlock(block("t", 1), 1);
            sent = true;
          }
          m = scheduler.next();
        }
        assertTrue(m instanceof Goodbye g && g.reason().equals("walltime drain"), "got " + m);
        java.time.Instant started = worker.toHandle().info().startInstant().orElseThrow();
        assertTrue(java.time.Duration.between(started, java.time.Instant.now()).toMillis() >= 2000,
            "no drain before the clock");
        assertTrue(worker.waitFor(10, TimeUnit.SECONDS), "the worker exits promptly");
        assertEquals(WorkerExitCodes.FINISHED, worker.exitValue(), "a drain is a clean exit");
        assertTrue(worker.toHandle().descendants().findAny().isEmpty(), "the block's process is gone");
      } finally {
        worker.destroyForcibly();
      }
      String text = Files.readString(log);
      assertTrue(text.contains("drain clock: the job has run 2s, its walltime less the drain"), text);
      assertTrue(text.contains("the job's walltime is near; handing back and leaving"), text);
    }
  }

  @Test
  void aStopWinsOverADrainEitherWayRound() {
    StopRequest drained = new StopRequest();
    drained.drain();
    assertEquals(StopRequest.Kind.DRAIN, drained.kind());
    drained.request();
    assertEquals(StopRequest.Kind.STOP, drained.kind());
    StopRequest stopped = new StopRequest();
    stopped.request();
    stopped.drain();
    assertEquals(StopRequest.Kind.STOP, stopped.kind());
    assertTrue(stopped.isRequested());
    StopRequest none = new StopRequest();
    assertEquals(null, none.kind());
  }

  private static ProcessHandle awaitDescendant(ProcessHandle root, String command) throws InterruptedException {
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
