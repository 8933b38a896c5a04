package org.daisyjava.launcher.it.local;

import static org.daisyjava.launcher.it.local.LaunchHarness.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.daisyjava.launcher.it.local.LaunchHarness.Finished;
import org.daisyjava.launcher.it.local.LaunchHarness.PlannedBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code worker.slots: 4} with one local worker process: the run completes, every block once, and
 * four blocks ran at the same time in the one process (the first four wait for each other's
 * marker files, so a worker running fewer at once would never finish them; the hang guard fails
 * it).
 */
@Timeout(300)
class SlotsRunTest {
  @TempDir Path dir;

  @Test
  void oneWorkerWithFourSlotsRunsTheWholeRunFourBlocksAtATime() throws Exception {
    Path runDir = dir.resolve("run");
    Path markers = Files.createDirectories(dir.resolve("markers"));
    Path blockLog = dir.resolve("blocks.log");
    String command = "touch \"" + markers + "/$DAISY_BLOCK_ID\"; i=0; "
        + "while [ $(ls \"" + markers + "\" | wc -l) -lt 4 ]; do sleep 0.02; i=$((i+1)); "
        + "if [ $i -gt 6000 ]; then exit 9; fi; done; "
        + "echo \"$DAISY_BLOCK_ID $DAISY_SLOT $DAISY_WORKER_ID $DAISY_WRITE_OFFSET\" >> \"" + blockLog + "\"";
    Path config = dir.resolve("slots.yaml");
    Files.writeString(config, """
        name: slots
        run_dir: %s
        scheduler: {heartbeat_interval: 200ms, heartbeat_liveness: 25, status_interval: 1s}
        worker: {slots: 4}
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [160]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            read_write_conflict: false
            num_workers: 1
            process: {command: %s}
        """.formatted(runDir, yaml(command)));
    Map<String, PlannedBlock> plan = LaunchHarness.plan(config);
    Finished finished = LaunchHarness.run(dir, config.toString());
    assertEquals(0, finished.exitCode(), finished.output());

    Map<String, Integer> runs = new TreeMap<>();
    Set<String> slots = new TreeSet<>();
    Set<String> workers = new TreeSet<>();
    for (String line : Files.readAllLines(blockLog)) {
      String[] f = line.split(" ");
      runs.merge("a@" + f[3], 1, Integer::sum);
      slots.add(f[1]);
      workers.add(f[2]);
    }
    assertEquals(plan.keySet(), runs.keySet(), "the blocks that ran are the planned ones");
    assertTrue(runs.values().stream().allMatch(n -> n == 1), "each block ran once: " + runs);
    assertEquals(Set.of("0", "1", "2", "3"), slots, "DAISY_SLOT: the four slots of the worker");
    assertEquals(1, workers.size(), "one worker process: " + workers);
    JsonNode summary = LaunchHarness.summary(runDir);
    assertEquals(16, summary.path("tasks").path("a").path("completed").asInt(), summary.toString());
  }
}
