package org.daisyjava.launcher.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C in the middle of a run still leaves report.html (with the state interrupted and the
 * counts of summary.json) and ends events.jsonl with run_ended.
 */
@Timeout(300)
class ReportOnInterruptTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void anInterruptedRunWritesItsReportAndEndsItsEventStream() throws Exception {
    Path run = dir.resolve("run");
    Path started = dir.resolve("started");
    // block 0 finishes; the others never do (until the launcher stops their workers)
    String body = "if [ $DAISY_BLOCK_ID = 0 ]; then exit 0; fi; touch " + started + "; sleep 600";
    Path config = dir.resolve("interrupt.yaml");
    Files.writeString(config, """
        name: interrupted
        run_dir: %s
        scheduler: {heartbeat_interval: 200ms, heartbeat_liveness: 25, status_interval: 200ms, web: "off"}
        tasks:
          - name: a
            total_roi: {offset: [0, 0], shape: [40, 40]}
            read_roi: {offset: [0, 0], shape: [10, 10]}
            write_roi: {offset: [0, 0], shape: [10, 10]}
            num_workers: 2
            process: {command: '%s'}
        """.formatted(run, body));
    try (LauncherProcess p = LauncherProcess.start(dir, config)) {
      LauncherProcess.await(() -> Files.exists(started) && completed(run) >= 1, "a block done and another running");
      p.signal("INT");
      assertEquals(130, p.await());
    }
    String html = Files.readString(run.resolve("report.html"));
    Matcher m = Pattern.compile("<script id=\"run-data\" type=\"application/json\">(.*?)</script>", Pattern.DOTALL)
        .matcher(html);
    assertTrue(m.find(), "the report carries its data");
    JsonNode doc = JSON.readTree(m.group(1));
    assertEquals("interrupted", doc.get("state").asText());
    JsonNode summary = JSON.readTree(Files.readString(run.resolve("summary.json")));
    assertEquals("interrupted", summary.get("state").asText());
    JsonNode task = doc.get("tasks").get(0);
    for (String k : new String[] {"total", "completed", "failed", "orphaned"}) {
      assertEquals(summary.get("tasks").get("a").get(k).asLong(), task.get(k).asLong(), k);
    }
    assertTrue(task.get("completed").asLong() >= 1 && task.get("completed").asLong() < 16, task.toString());
    List<String> lines = Files.readAllLines(run.resolve("events.jsonl"));
    JsonNode last = JSON.readTree(lines.get(lines.size() - 1));
    assertEquals("run_ended", last.get("event").asText());
    assertEquals("interrupted", last.get("state").asText());
    assertTrue(summary.has("statistics"), "the statistics are in the summary of an interrupted run too");
  }

  private static long completed(Path run) {
    try {
      return JSON.readTree(Files.readString(run.resolve("status.json"))).get("tasks").get("a").get("completed").asLong();
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
