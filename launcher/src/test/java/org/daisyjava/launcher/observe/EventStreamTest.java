package org.daisyjava.launcher.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.daisyjava.launcher.web.LauncherProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * events.jsonl of a real run (local worker processes) in which one block always fails and one
 * worker JVM is killed with SIGKILL in the middle of a block: the failure and the loss are in
 * the stream with their reasons.
 */
@Timeout(300)
class EventStreamTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void aRunWithAFailingBlockAndAKilledWorkerRecordsBothWithReasons() throws Exception {
    Path marker = dir.resolve("killed-once");
    String body = "case $DAISY_WRITE_OFFSET in"
        + " 50) echo \"simulated: cannot read chunk 50\" >&2; exit 7;;"
        + " 100) if [ ! -e " + marker + " ]; then touch " + marker + "; kill -9 $PPID; sleep 5; fi;;"
        + " esac; sleep 0.1";
    Path config = dir.resolve("events.yaml");
    Files.writeString(config, """
        name: events
        run_dir: %s
        scheduler: {heartbeat_interval: 200ms, heartbeat_liveness: 25, status_interval: 1s, web: "off"}
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [300]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            num_workers: 2
            max_retries: 1
            process: {command: '%s'}
        """.formatted(dir.resolve("run"), body));
    int exit;
    try (LauncherProcess p = LauncherProcess.start(dir, config)) {
      exit = p.await();
    }
    assertEquals(1, exit, "one block failed for good");
    List<JsonNode> events = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("run/events.jsonl"))) {
      JsonNode e = JSON.readTree(line);
      assertNotNull(e.get("time"), line);
      events.add(e);
    }
    assertEquals("run_started", events.get(0).get("event").asText());
    JsonNode end = events.get(events.size() - 1);
    assertEquals("run_ended", end.get("event").asText());
    assertEquals("finished", end.get("state").asText());

    // the failing block: two attempts (one retry), each with the error text, its ROI and worker
    List<JsonNode> failed50 = events.stream().filter(e -> e.get("event").asText().equals("block_failed")
        && e.get("write_roi").get("offset").get(0).asLong() == 50).toList();
    assertEquals(2, failed50.size(), failed50.toString());
    assertTrue(failed50.get(0).get("retry").asBoolean());
    assertTrue(!failed50.get(1).get("retry").asBoolean());
    for (JsonNode f : failed50) {
      assertEquals("a", f.get("task").asText());
      assertEquals(5, f.get("block_id").asLong());
      assertTrue(f.get("error").asText().contains("simulated: cannot read chunk 50"), f.toString());
      assertEquals(10, f.get("write_roi").get("shape").get(0).asLong());
      assertTrue(f.get("worker").get("id").asLong() > 0, f.toString());
    }

    // the killed worker: its block failed because it stopped responding, and it was lost with
    // that reason (a starved machine may lose other workers too: only the killed one is certain)
    JsonNode killedBlock = events.stream().filter(e -> e.get("event").asText().equals("block_failed")
        && e.get("block_id").asLong() == 10 && e.get("error").asText().contains("stopped responding"))
        .findFirst().orElseThrow(() -> new AssertionError("no failure of the killed worker's block: " + events));
    assertTrue(killedBlock.get("retry").asBoolean(), killedBlock.toString());
    long lostId = killedBlock.get("worker").get("id").asLong();
    JsonNode loss = events.stream().filter(e -> e.get("event").asText().equals("worker_lost")
        && e.get("worker").get("id").asLong() == lostId).findFirst()
        .orElseThrow(() -> new AssertionError("the killed worker is not lost: " + events));
    assertTrue(loss.get("reason").asText().contains("stopped responding"), loss.toString());
    assertTrue(loss.get("worker").has("job") && loss.get("worker").has("log"), loss.toString());
    assertTrue(events.stream().anyMatch(e -> e.get("event").asText().equals("worker_joined")
        && e.get("worker").get("id").asLong() == lostId));
    // the workers were processes on this machine: their CPU time and peak memory come from /proc
    JsonNode stats = JSON.readTree(Files.readString(dir.resolve("run/summary.json"))).get("statistics");
    assertTrue(stats.get("workers").size() >= 3, stats.toString());
    int measured = 0;
    for (JsonNode w : stats.get("workers")) {
      // sampled every 1 s: a worker whose process lived longer was seen. A lost worker's seconds
      // run until it is declared lost, long after a SIGKILL may have ended its process
      if (w.get("seconds").asDouble() > 1.5 && !w.get("lost").asBoolean()) {
        assertTrue(w.get("cpu_seconds").asDouble() > 0 && w.get("peak_rss_bytes").asLong() > 1 << 20, w.toString());
        measured++;
      }
    }
    // a worker that survives lives through the killed worker's 5 s of silence: longer than 1.5 s
    assertTrue(measured >= 1, stats.toString());
    assertTrue(events.stream().anyMatch(e -> e.get("event").asText().equals("task_finished")
        && e.get("failed").asLong() == 1 && e.get("completed").asLong() == 29), events.toString());
  }
}
