package org.daisyjava.launcher.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.daisyjava.launcher.config.ConfigLoader;
import org.daisyjava.launcher.config.PipelineConfig;
import org.junit.jupiter.api.Test;

/** {@code plan} shows what each task writes; {@code plan --json} names every block by its id. */
class PlanSummaryTest {
  private static final String CONFIG = """
      tasks:
        - name: gauss
          total_roi: {offset: [0, 0, 0], shape: [256, 256, 256]}
          read_roi: {offset: [-8, -8, -8], shape: [80, 80, 80]}
          write_roi: {offset: [0, 0, 0], shape: [64, 64, 64]}
        - name: copy
          total_roi: {offset: [0], shape: [100]}
          read_roi: {offset: [0], shape: [10]}
          write_roi: {offset: [0], shape: [10]}
      """;

  @Test
  void theSummaryShowsTheWrittenRegionAndTheBorderContextLeavesUnwritten() throws Exception {
    PipelineConfig c = ConfigLoader.parse(CONFIG, "p.yaml", Path.of("."), "p");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PlanCommand.printSummary(c.graph(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertTrue(lines[0].contains("written region"), lines[0]);
    assertTrue(lines[1].startsWith("gauss"), lines[1]);
    assertTrue(lines[1].contains("offset (8, 8, 8) shape (192, 192, 192)  [total_roi offset (0, 0, 0)"
        + " shape (256, 256, 256): unwritten (8, 8, 8) before, (56, 56, 56) after]"), lines[1]);
    assertTrue(lines[2].endsWith("offset (0) shape (100)"), "all of it written, no note: " + lines[2]);
  }

  @Test
  void everyJsonLineAndEveryUpstreamEntryCarriesTheBlockId() throws Exception {
    PipelineConfig c = ConfigLoader.parse(CONFIG, "p.yaml", Path.of("."), "p");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PlanCommand.printJson(c.graph(), bytes);
    ObjectMapper json = new ObjectMapper();
    int lines = 0;
    for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
      JsonNode n = json.readTree(line);
      int task = c.graph().taskIndex(n.get("task").asText());
      long id = n.get("block_id").asLong();
      assertEquals(c.graph().block(task, id).writeRoi().begin().get(0), n.get("write_offset").get(0).asLong());
      for (JsonNode u : n.get("upstream")) {
        int ut = c.graph().taskIndex(u.get("task").asText());
        assertEquals(c.graph().block(ut, u.get("block_id").asLong()).writeRoi().begin().get(0),
            u.get("write_offset").get(0).asLong());
      }
      lines++;
    }
    assertEquals(c.graph().totalBlocks(), lines);
  }
}
