package org.daisyjava.launcher.it.local;

import static org.daisyjava.launcher.it.local.LaunchHarness.logged;
import static org.daisyjava.launcher.it.local.LaunchHarness.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.daisyjava.launcher.it.local.LaunchHarness.BlockEvent;
import org.daisyjava.launcher.it.local.LaunchHarness.Finished;
import org.daisyjava.scheduler.checkpoint.CheckpointLog;
import org.daisyjava.scheduler.checkpoint.Recovery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint log damaged by hand after a finished run: the resume reports how many records it
 * kept and how many bytes it cut off, runs exactly the blocks that lost their record, and leaves
 * a clean, complete log.
 */
@Timeout(300)
class DamagedLogTest {
  private static final int RECORD_BYTES = 20;

  @TempDir
  Path dir;

  private Path config(int generation) throws Exception {
    Path config = dir.resolve("damaged-" + generation + ".yaml");
    Files.writeString(config, """
        name: damaged
        run_dir: %s
        worker: {jvm_options: %s, env: {RUN_GEN: "%d"}}
        tasks:
          - name: a
            total_roi: {offset: [0, 0], shape: [100, 100]}
            read_roi: {offset: [-5, -5], shape: [20, 20]}
            write_roi: {offset: [0, 0], shape: [10, 10]}
            num_workers: 2
            process: {command: %s}
        """.formatted(dir.resolve("run"), LaunchHarness.WORKER_JVM_OPTIONS, generation,
        yaml(logged(dir.resolve("blocks.log"), "true"))));
    return config;
  }

  private Path checkpoint() {
    return dir.resolve("run").resolve("checkpoint.log");
  }

  /** Runs the task to its end; returns the number of records in its log (one per block). */
  private long finishedRun() throws Exception {
    Finished f = LaunchHarness.run(dir, config(1).toString());
    assertEquals(0, f.exitCode(), f.output());
    Recovery clean = CheckpointLog.recover(checkpoint());
    assertEquals(0, clean.bytesTruncated());
    assertEquals(81, clean.recordsKept(), clean.report());
    return clean.recordsKept();
  }

  /** Resumes; checks the blocks run are exactly those the damaged log no longer has. */
  private Finished resumeAndCheck(Recovery damaged) throws Exception {
    Finished f = LaunchHarness.run(dir, "--resume", config(2).toString());
    assertEquals(0, f.exitCode(), f.output());
    Set<Long> rerun = new HashSet<>();
    for (BlockEvent e : LaunchHarness.readBlockLog(dir.resolve("blocks.log"))) {
      if (e.start() && e.generation() == 2) {
        assertTrue(rerun.add(e.blockId()), "block " + e.blockId() + " ran twice in the resume");
      }
    }
    Set<Long> lost = new HashSet<>();
    for (long id = 0; id < 81; id++) {
      if (!damaged.done(0).get(id)) {
        lost.add(id);
      }
    }
    assertEquals(lost, rerun, "the resume must run exactly the blocks whose record was lost");
    Recovery after = CheckpointLog.recover(checkpoint());
    assertEquals(0, after.bytesTruncated(), after.report());
    assertEquals(81, after.done(0).cardinality(), after.report());
    return f;
  }

  @Test
  void aTornLastRecordIsCutOffReportedAndItsBlockRunAgain() throws Exception {
    long records = finishedRun();
    long size = Files.size(checkpoint());
    try (RandomAccessFile f = new RandomAccessFile(checkpoint().toFile(), "rw")) {
      f.setLength(size - 7); // the last record keeps 13 of its 20 bytes
    }
    Recovery damaged = CheckpointLog.recover(checkpoint());
    assertEquals(records - 1, damaged.recordsKept());

    Finished f = resumeAndCheck(damaged);

    assertTrue(f.stdout().contains("kept " + (records - 1) + " records"), f.output());
    assertTrue(f.stdout().contains("truncated 13 bytes"), f.output());
  }

  @Test
  void aCorruptRecordInTheMiddleCutsTheLogThereAndTheRestRunsAgain() throws Exception {
    long records = finishedRun();
    long size = Files.size(checkpoint());
    long keep = 50;
    long recordStart = size - (records - keep) * RECORD_BYTES;
    try (RandomAccessFile f = new RandomAccessFile(checkpoint().toFile(), "rw")) {
      f.seek(recordStart + 8); // a byte of the block id: the record's CRC no longer matches
      int b = f.read();
      f.seek(recordStart + 8);
      f.write(b ^ 0x01);
    }
    Recovery damaged = CheckpointLog.recover(checkpoint());
    assertEquals(keep, damaged.recordsKept(), damaged.report());

    Finished f = resumeAndCheck(damaged);

    assertTrue(f.stdout().contains("kept " + keep + " records"), f.output());
    assertTrue(f.stdout().contains("truncated " + (records - keep) * RECORD_BYTES + " bytes"), f.output());
  }
}
