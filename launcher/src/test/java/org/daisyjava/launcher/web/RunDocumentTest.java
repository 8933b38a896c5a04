package org.daisyjava.launcher.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.daisyjava.core.Fit;
import org.daisyjava.core.Roi;
import org.daisyjava.launcher.observe.DocumentJson;
import org.daisyjava.launcher.observe.RunModel;
import org.daisyjava.launcher.observe.RunStatistics;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.scheduler.server.ServerObserver;
import org.junit.jupiter.api.Test;

/**
 * The page's document and the statistics of summary.json describe a worker in the same words:
 * the same identity, the same work done, in the same order, and the same usage (no scheduler: the
 * model is fed by hand through the observer the scheduler would call).
 */
class RunDocumentTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<String> keys(JsonNode n) {
    List<String> k = new ArrayList<>();
    n.fieldNames().forEachRemaining(k::add);
    return k;
  }

  @Test
  void aWorkerReadsTheSameOnThePageAndInTheStatistics() throws Exception {
    DependencyGraph graph = DependencyGraph.of(List.of(new TaskGeometry("t", Roi.of(new long[] {0}, new long[] {100}),
        Roi.of(new long[] {0}, new long[] {10}), Roi.of(new long[] {0}, new long[] {10}), Fit.VALID, false, List.of())));
    RunModel model = new RunModel(new RunModel.RunInfo("doc", null, "local", graph), System.nanoTime());
    ServerObserver o = model.observer();
    o.workerJoined(7, 0, "node7:99", "node7", 99, "123_4", "/nowhere/w.out");
    o.blockStarted(0, 0, 7, 1);
    o.blockEnded(0, 0, 7, 1, 5_000_000, ServerObserver.Ending.SUCCEEDED, null);
    o.blockStarted(0, 1, 7, 1);
    o.blockEnded(0, 1, 7, 1, 5_000_000, ServerObserver.Ending.RETRY, "boom");
    o.workerUsage(7, 2500, 90_000);

    JsonNode page = JSON.readTree(RunDocument.json(model, "running", null)).get("workers").get(0);
    JsonNode stats = JSON.readTree(DocumentJson.write(RunStatistics.json(model))).get("workers").get(0);

    List<String> who = List.of("id", "task", "host", "job", "log");
    List<String> work = List.of("blocks", "failed", "busy_fraction");
    assertEquals(who, keys(stats).subList(0, 5));
    assertEquals(work, keys(stats).subList(5, 8));
    assertEquals(who, keys(page).subList(0, 5));
    assertEquals("current_block", keys(page).get(5));
    assertEquals(work, keys(page).subList(6, 9));
    for (String k : who) {
      assertEquals(stats.get(k), page.get(k), k);
    }
    // busy_fraction is measured when each document is built (the worker is still connected)
    for (String k : List.of("blocks", "failed")) {
      assertEquals(stats.get(k), page.get(k), k);
    }
    assertEquals(7, page.get("id").asLong());
    assertEquals("node7", page.get("host").asText());
    assertEquals("123_4", page.get("job").asText());
    assertEquals(1, page.get("blocks").asLong());
    assertEquals(1, page.get("failed").asLong());
    // and what its processes used, reported by the worker (it is on another host: no /proc here)
    for (String k : List.of("cpu_seconds", "peak_rss_bytes")) {
      assertEquals(stats.get(k), page.get(k), k);
    }
    assertEquals(2.5, page.get("cpu_seconds").asDouble());
    assertEquals(90_000L * 1024, page.get("peak_rss_bytes").asLong());
  }
}
