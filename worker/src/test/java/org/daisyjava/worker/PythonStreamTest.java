package org.daisyjava.worker;

import static org.daisyjava.worker.FakeScheduler.block;
import static org.daisyjava.worker.ProcessKindsTest.expectRelease;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.daisyjava.core.Block;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.BlockCode.Kind;
import org.daisyjava.core.Roi;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.Goodbye;
import org.daisyjava.core.protocol.Message.NoMoreBlocks;
import org.daisyjava.core.protocol.Message.Release;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Python stream worker written against {@code daisy_stream} (shipped in the worker's jar), run by
 * daisy-worker as its own process: prints of the user's code and of a library that prints on
 * import (at the Python and at the file-descriptor level) go to the worker's log, never into the
 * answers; exceptions fail their block with the traceback.
 */
class PythonStreamTest {
  @TempDir Path dir;

  @Test
  void printsOfUserCodeAndLibrariesGoToTheLogAndEveryBlockIsAnswered() throws Exception {
    Files.writeString(dir.resolve("noisy_lib.py"), """
        import os, sys
        print("noisy_lib: loading (python print at import)")
        sys.stdout.flush()
        os.write(1, b"noisy_lib: C-level write to fd 1 without newline")
        print("noisy_lib: to stderr at import", file=sys.stderr)
        def later():
            os.write(1, b"noisy_lib: C-level write while serving\\n")
        """);
    Path script = Files.writeString(dir.resolve("serve.py"), """
        import sys
        import noisy_lib
        import daisy_stream

        def process(block):
            print("processing block", block.block_id, "attempt", block.attempt)
            print("stderr line of block", block.block_id, file=sys.stderr)
            noisy_lib.later()
            read = block.read_roi.to_slices(voxel_size=(2,), origin=(40,))
            write = block.write_roi.to_slices(voxel_size=(2,), origin=(40,))
            with open(sys.argv[1], "a") as out:
                out.write("%d %s %s %s\\n" % (block.block_id, block.task, read, write))
            if block.block_id == 3:
                raise ValueError("block 3 is bad")

        daisy_stream.serve(process)
        print("served all blocks")
        """);
    Path record = dir.resolve("record.txt");
    BlockCode stream = BlockCode.of(Kind.STREAM,
        "cd " + dir + " && exec python3 " + script + " " + record);
    Path out = dir.resolve("worker.out");
    Path err = dir.resolve("worker.err");
    try (FakeScheduler scheduler = new FakeScheduler()) {
      Process worker = startWorker(scheduler, out, err, "-Xmx64m");
      try {
        scheduler.welcome(stream, null);
        scheduler.expect(Acquire.class);
        for (long id = 1; id <= 4; id++) {
          scheduler.sendBlock(new Block("t", id, Roi.of(new long[] {40 + 10 * id}, new long[] {14}),
              Roi.of(new long[] {42 + 10 * id}, new long[] {10})), 1);
          Release release = expectRelease(scheduler);
          assertEquals(id, release.blockId());
          if (id == 3) {
            assertFalse(release.success());
            assertTrue(release.error().contains("Traceback"), release.error());
            assertTrue(release.error().contains("ValueError: block 3 is bad"), release.error());
          } else {
            assertTrue(release.success(), "block " + id + ": " + release);
          }
        }
        scheduler.send(new NoMoreBlocks());
        scheduler.send(new NoMoreBlocks());
        while (!(scheduler.next() instanceof Goodbye)) {
          // acquires
        }
        assertTrue(worker.waitFor(20, TimeUnit.SECONDS));
        assertEquals(WorkerExitCodes.FINISHED, worker.exitValue());
      } finally {
        worker.destroyForcibly();
      }
    }
    assertEquals(List.of(
            "1 t (slice(5, 12, None),) (slice(6, 11, None),)",
            "2 t (slice(10, 17, None),) (slice(11, 16, None),)",
            "3 t (slice(15, 22, None),) (slice(16, 21, None),)",
            "4 t (slice(20, 27, None),) (slice(21, 26, None),)"),
        Files.readAllLines(record));
    String log = Files.readString(err) + Files.readString(out);
    for (String expected : List.of("noisy_lib: loading (python print at import)",
        "noisy_lib: C-level write to fd 1 without newline", "noisy_lib: to stderr at import",
        "processing block 1 attempt 1", "stderr line of block 4",
        "noisy_lib: C-level write while serving", "served all blocks")) {
      assertTrue(log.contains(expected), "'" + expected + "' is in the worker's log:\n" + log);
    }
    assertFalse(log.contains("@daisy"), "answers stay on their channel:\n" + log);
  }

  @Test
  void outputOfAnyLengthIsCopiedInPiecesWithBoundedMemory() throws Exception {
    // 96 MB on stderr and on stdout, neither with a newline: collected as one line, each would
    // need ~200 MB of heap; the worker gets 32 MB
    long size = 96L << 20;
    BlockCode stream = BlockCode.of(Kind.STREAM, "head -c " + size + " /dev/zero | tr '\\0' e >&2;"
        + " head -c " + size + " /dev/zero | tr '\\0' o;"
        + " read request; echo; echo '@daisy {\"block_id\":1,\"status\":\"success\"}';"
        + " read request; (echo; head -c 1000 /dev/zero | tr '\\0' x) >&2; exit 3");
    Path out = dir.resolve("worker.out");
    Path err = dir.resolve("worker.err");
    try (FakeScheduler scheduler = new FakeScheduler()) {
      Process worker = startWorker(scheduler, out, err, "-Xmx32m");
      try {
        scheduler.welcome(stream, null);
        scheduler.expect(Acquire.class);
        scheduler.sendBlock(block("t", 1), 1);
        Release first = expectRelease(scheduler);
        assertTrue(first.success(), "answered after 96 MB of output: " + first);
        scheduler.sendBlock(block("t", 2), 1);
        Release second = expectRelease(scheduler);
        assertFalse(second.success());
        assertTrue(second.error().startsWith("stream process exited with code 3 while running block 2: "),
            second.error());
        assertTrue(second.error().contains("x".repeat(StderrTail.LINE_LENGTH) + "..."),
            "the error quotes a bounded tail: " + second.error().length() + " chars");
        assertTrue(worker.isAlive(), "the worker survived");
        scheduler.send(new NoMoreBlocks());
        scheduler.send(new NoMoreBlocks());
        while (!(scheduler.next() instanceof Goodbye)) {
          // acquires
        }
        assertTrue(worker.waitFor(20, TimeUnit.SECONDS));
        assertEquals(WorkerExitCodes.FINISHED, worker.exitValue());
      } finally {
        worker.destroyForcibly();
      }
    }
    assertTrue(Files.size(err) >= size, "all of stderr reached the log: " + Files.size(err));
    assertTrue(Files.size(out) >= size, "all of stdout reached the log: " + Files.size(out));
  }

  private Process startWorker(FakeScheduler scheduler, Path out, Path err, String heap)
      throws IOException {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap,
            "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
            "--connect", scheduler.address(), "--task", "t", "--run-dir", dir.toString())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
  }
}
