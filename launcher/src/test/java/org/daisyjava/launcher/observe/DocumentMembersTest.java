package org.daisyjava.launcher.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.daisyjava.core.Roi;
import org.daisyjava.launcher.observe.RunEvent.WorkerRef;
import org.daisyjava.launcher.progress.RunReport;
import org.daisyjava.launcher.progress.RunState;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSnapshot;
import org.daisyjava.scheduler.state.Failure;
import org.daisyjava.scheduler.state.TaskCounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The members that several of the run's documents share ({@link TaskCountsJson}, {@link RoiJson},
 * {@link WorkerJson}) read the same, with the same names in the same order, in events.jsonl,
 * status.json and summary.json.
 */
class DocumentMembersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> COUNTS =
      List.of("total", "completed", "skipped", "failed", "orphaned", "retries");
  private static final TaskCounts COUNTED = new TaskCounts(64, 40, 2, 1, 3, 5, 2, 7, false);
  private static final Roi WRITE = Roi.of(new long[] {15, 55}, new long[] {10, 20});
  private static final WorkerRef WORKER = new WorkerRef(9, "gauss", "node7", "node7:4242", "123_4", "/r/logs/w.out");

  @TempDir
  Path dir;

  private static List<String> keys(JsonNode n) {
    List<String> k = new ArrayList<>();
    n.fieldNames().forEachRemaining(k::add);
    return k;
  }

  private static List<String> with(List<String> first, String... more) {
    List<String> l = new ArrayList<>(first);
    l.addAll(List.of(more));
    return l;
  }

  private List<JsonNode> events(RunEvent... events) throws Exception {
    Path file = dir.resolve("events.jsonl");
    try (EventLog log = new EventLog(file)) {
      for (RunEvent e : events) {
        log.event(e);
      }
    }
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  private static ServerSnapshot snapshot() {
    return new ServerSnapshot(0, List.of(new TaskSnapshot("gauss", COUNTED, true, 2, 4, 0, 0, null)),
        List.of(new Failure("gauss", 5, WRITE, 2, "boom", "worker 9 (node7:4242)")), 0, false, false);
  }

  @Test
  void aTasksCountsHaveOneSetOfNamesInTheEventsStatusAndSummary() throws Exception {
    JsonNode progress = events(new RunEvent.TaskProgress(0, "gauss", COUNTED, 1.25)).get(0);
    JsonNode status = JSON.readTree(RunReport.json(snapshot(), RunState.RUNNING, null, true, Map.of()))
        .get("tasks").get("gauss");
    JsonNode summary = JSON.readTree(RunReport.json(snapshot(), RunState.FINISHED, null, false, Map.of()))
        .get("tasks").get("gauss");

    assertEquals(COUNTS, keys(summary));
    assertEquals(with(COUNTS, "running", "workers", "slots"), keys(status));
    assertEquals(with(List.of("time", "event", "task"), with(COUNTS, "running", "blocks_per_second")
        .toArray(new String[0])), keys(progress));
    long[] expected = {64, 40, 2, 1, 3, 5};
    for (int i = 0; i < COUNTS.size(); i++) {
      String k = COUNTS.get(i);
      assertEquals(expected[i], summary.get(k).asLong(), k);
      assertEquals(expected[i], status.get(k).asLong(), k);
      assertEquals(expected[i], progress.get(k).asLong(), k);
    }
    assertEquals(2, status.get("running").asLong());
    assertEquals(2, progress.get("running").asLong());
  }

  @Test
  void aFailuresWriteRoiReadsTheSameInTheEventAndTheSummary() throws Exception {
    JsonNode failed = events(new RunEvent.BlockFailed(0, "gauss", 5, WRITE, 2, false, "boom", WORKER)).get(0);
    JsonNode summary = JSON.readTree(RunReport.json(snapshot(), RunState.FINISHED, null, false, Map.of()))
        .get("failures").get(0);

    JsonNode roi = failed.get("write_roi");
    assertEquals(List.of("offset", "shape"), keys(roi));
    assertEquals("[15,55]", roi.get("offset").toString());
    assertEquals("[10,20]", roi.get("shape").toString());
    assertEquals(roi, summary.get("write_roi"));
  }

  @Test
  void anEventNamesTheWorkerWithItsOwnNameAListEntryBeginsWithWhoItIs() throws Exception {
    JsonNode joined = events(new RunEvent.WorkerJoined(0, WORKER)).get(0).get("worker");
    assertEquals(List.of("id", "task", "host", "name", "job", "log"), keys(joined));
    assertEquals("node7:4242", joined.get("name").asText());

    Map<String, Object> entry = new LinkedHashMap<>();
    WorkerJson.putIdentity(entry, WORKER);
    entry.put("blocks", 3);
    assertEquals(List.of("id", "task", "host", "job", "log", "blocks"), new ArrayList<>(entry.keySet()));
    for (String k : List.of("id", "task", "host", "job", "log")) {
      assertEquals(joined.get(k).asText(), String.valueOf(entry.get(k)), k);
    }
  }
}
