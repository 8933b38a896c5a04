package org.daisyjava.launcher.it.local;

import static org.daisyjava.launcher.it.local.LaunchHarness.logged;
import static org.daisyjava.launcher.it.local.LaunchHarness.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.daisyjava.launcher.config.ConfigLoader;
import org.daisyjava.launcher.it.local.LaunchHarness.BlockEvent;
import org.daisyjava.launcher.it.local.LaunchHarness.Finished;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check: {builtin: touched, dir: ...}}: blocks whose done-marker already exists are
 * counted completed and skipped and never run; the others run once and leave their marker.
 */
@Timeout(300)
class CheckTest {
  @TempDir
  Path dir;

  @Test
  void blocksWithAMarkerAreSkippedAndNeverRun() throws Exception {
    Path markers = dir.resolve("markers");
    Path blockLog = dir.resolve("blocks.log");
    Path runDir = dir.resolve("run");
    String command = yaml(logged(blockLog,
        "mkdir -p \"" + markers + "/$DAISY_TASK\" && touch \"" + markers + "/$DAISY_TASK/$DAISY_BLOCK_ID\""));
    String check = "{builtin: touched, dir: " + yaml(markers.toString()) + "}";
    Path config = dir.resolve("check.yaml");
    Files.writeString(config, """
        name: check
        run_dir: %s
        tasks:
          - name: a
            total_roi: {offset: [0, 0], shape: [100, 100]}
            read_roi: {offset: [-5, -5], shape: [20, 20]}
            write_roi: {offset: [0, 0], shape: [10, 10]}
            num_workers: 2
            process: {command: %s}
            check: %s
          - name: b
            total_roi: {offset: [0, 0], shape: [100, 100]}
            read_roi: {offset: [-5, -5], shape: [20, 20]}
            write_roi: {offset: [0, 0], shape: [10, 10]}
            upstream: [a]
            num_workers: 2
            process: {command: %s}
            check: %s
        """.formatted(runDir, command, check, command, check));
    // block ids are 0..count-1 (the launcher's own graph of the same config says how many)
    DependencyGraph graph = ConfigLoader.load(config).graph();
    Map<String, Set<Long>> marked = new HashMap<>();
    Map<String, Long> count = new HashMap<>();
    for (int t = 0; t < graph.taskCount(); t++) {
      String task = graph.taskName(t);
      long n = graph.grid(t).blockCount();
      count.put(task, n);
      Set<Long> ids = new HashSet<>();
      Files.createDirectories(markers.resolve(task));
      for (long id = t; id < n; id += 2) { // a: the even ids, b: the odd ones
        Files.createFile(markers.resolve(task).resolve(Long.toString(id)));
        ids.add(id);
      }
      marked.put(task, ids);
    }

    Finished f = LaunchHarness.run(dir, config.toString());

    assertEquals(0, f.exitCode(), f.output());
    JsonNode summary = LaunchHarness.summary(runDir);
    List<BlockEvent> starts = LaunchHarness.readBlockLog(blockLog).stream().filter(BlockEvent::start).toList();
    for (String task : List.of("a", "b")) {
      JsonNode t = summary.get("tasks").get(task);
      long skipped = marked.get(task).size();
      assertTrue(skipped >= 40, task + ": too few markers to mean anything: " + skipped);
      assertEquals(count.get(task), t.get("total").asLong(), t.toString());
      assertEquals(count.get(task), t.get("completed").asLong(), t.toString());
      assertEquals(skipped, t.get("skipped").asLong(), t.toString());
      Map<Long, Integer> runs = new HashMap<>();
      starts.stream().filter(e -> e.task().equals(task)).forEach(e -> runs.merge(e.blockId(), 1, Integer::sum));
      for (long id = 0; id < count.get(task); id++) {
        int expected = marked.get(task).contains(id) ? 0 : 1;
        assertEquals(expected, runs.getOrDefault(id, 0), task + " block " + id + " ran "
            + runs.getOrDefault(id, 0) + " times" + (expected == 0 ? " though its marker existed" : ""));
        assertTrue(Files.exists(markers.resolve(task).resolve(Long.toString(id))));
      }
    }
  }
}
