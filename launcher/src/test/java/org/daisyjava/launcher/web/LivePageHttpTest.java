package org.daisyjava.launcher.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.daisyjava.core.Roi;
import org.daisyjava.launcher.observe.RunModel;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.core.Fit;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSnapshot;
import org.daisyjava.scheduler.state.TaskCounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page's HTTP side: read-only, serves the document, and reads no file outside the run dir. */
class LivePageHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void servesThePageAndTheDocumentRefusesWritesAndReadsOnlyLogsInTheRunDirectory(@TempDir Path dir)
      throws Exception {
    Path runDir = Files.createDirectories(dir.resolve("run"));
    Path log = Files.writeString(Files.createDirectories(runDir.resolve("logs/t")).resolve("worker-1.err"),
        "line one\nthe end of the log\n");
    Path outside = Files.writeString(dir.resolve("secret.txt"), "not for the page");
    DependencyGraph graph = DependencyGraph.of(List.of(new TaskGeometry("t", Roi.of(new long[] {0, 0}, new long[] {30, 40}),
        Roi.of(new long[] {0, 0}, new long[] {10, 10}), Roi.of(new long[] {0, 0}, new long[] {10, 10}), Fit.VALID, false,
        List.of())));
    RunModel model = new RunModel(new RunModel.RunInfo("http", runDir.toString(), "local", graph), System.nanoTime());
    model.observer().workerJoined(1, 0, "h:1", "h", -1, null, log.toString());
    model.observer().workerJoined(2, 0, "h:2", "h", -1, null, outside.toString());
    model.observer().blockStarted(0, 5, 1, 1);
    model.tick(new ServerSnapshot(System.nanoTime(), List.of(new TaskSnapshot("t",
        new TaskCounts(12, 3, 0, 0, 0, 0, 1, 0, false), true, 2, 1, 0, null)), List.of(), 0, false, false));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (LivePage page = new LivePage(InetSocketAddress.createUnresolved("127.0.0.1", 0), runDir,
        new PrintStream(printed, true))) {
      page.started(model);
      String url = page.url();
      assertTrue(url.startsWith("http://127.0.0.1:"), url);
      assertTrue(printed.toString().contains("ssh -L "), printed.toString());
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> index = get(http, url);
      assertEquals(200, index.statusCode());
      assertTrue(index.body().contains("<script id=\"run-data\" type=\"application/json\">null</script>"));
      JsonNode doc = JSON.readTree(get(http, url + "api/run").body());
      assertEquals(3, doc.get("tasks").get(0).get("completed").asLong());
      assertEquals("r", doc.get("tasks").get(0).get("map").get("states").asText().substring(5, 6));
      assertEquals(12, doc.get("tasks").get(0).get("map").get("states").asText().length());
      assertEquals(200, get(http, url + "log?worker=1").statusCode());
      assertTrue(get(http, url + "log?worker=1").body().contains("the end of the log"));
      assertEquals(404, get(http, url + "log?worker=2").statusCode(), "a log outside the run dir is not served");
      assertEquals(404, get(http, url + "log?worker=../../etc/passwd").statusCode());
      assertEquals(404, get(http, url + "nothing-here").statusCode());
      HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(url + "api/run"))
          .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(405, post.statusCode());
    }
    assertNull(RunDocument.tail(outside, runDir, 100));
    Path link = runDir.resolve("link.err");
    Files.createSymbolicLink(link, outside);
    assertNull(RunDocument.tail(link, runDir, 100), "a link out of the run dir is not followed");
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
