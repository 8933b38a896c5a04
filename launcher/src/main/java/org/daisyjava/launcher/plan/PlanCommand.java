package org.daisyjava.launcher.plan;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.daisyjava.core.Block;
import org.daisyjava.core.BlockJson;
import org.daisyjava.core.Coordinate;
import org.daisyjava.scheduler.graph.BlockGrid;
import org.daisyjava.scheduler.graph.DependencyGraph;

/**
 * {@code daisy-launch plan [--json]}: shows the blocks of every task without running anything.
 * The summary costs O(dimensions) per task whatever the block count; {@code --json} streams one
 * line per block.
 */
public final class PlanCommand {
  private PlanCommand() {}

  /** One line per task: name, blocks, levels, grid shape. */
  public static void printSummary(DependencyGraph graph, PrintStream out) {
    int width = 4;
    for (int t = 0; t < graph.taskCount(); t++) {
      width = Math.max(width, graph.taskName(t).length());
    }
    String format = "%-" + width + "s  %15s  %10s  %s%n";
    out.printf(format, "task", "blocks", "levels", "grid");
    for (int t = 0; t < graph.taskCount(); t++) {
      BlockGrid g = graph.grid(t);
      out.printf(format, graph.taskName(t), g.blockCount(), g.levelCount(), gridText(g.gridShape()));
    }
    out.printf("total: %d blocks in %d task%s%n", graph.totalBlocks(), graph.taskCount(),
        graph.taskCount() == 1 ? "" : "s");
  }

  private static String gridText(Coordinate c) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < c.dims(); i++) {
      if (i > 0) {
        s.append(" x ");
      }
      s.append(c.get(i));
    }
    return s.toString();
  }

  /**
   * One JSON object per line for every block: its ROIs and its upstream blocks (task and write
   * offset), sorted by task name, then offset.
   */
  public static void printJson(DependencyGraph graph, OutputStream out) throws IOException {
    JsonFactory factory = new JsonFactory();
    try (JsonGenerator json = factory.createGenerator(out)) {
      json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      json.setRootValueSeparator(null);
      List<Block> upstream = new ArrayList<>();
      Comparator<Block> order = Comparator.comparing(Block::task)
          .thenComparing((a, b) -> Arrays.compare(
              a.writeRoi().begin().toArray(), b.writeRoi().begin().toArray()));
      for (int t = 0; t < graph.taskCount(); t++) {
        long count = graph.grid(t).blockCount();
        for (long id = 0; id < count; id++) {
          upstream.clear();
          graph.upstream(t, id, (ut, uid) -> upstream.add(graph.block(ut, uid)));
          upstream.sort(order);
          json.writeStartObject();
          BlockJson.writeFields(json, graph.block(t, id));
          json.writeFieldName("upstream");
          json.writeStartArray();
          for (Block u : upstream) {
            json.writeStartObject();
            json.writeStringField("task", u.task());
            BlockJson.writeArray(json, "write_offset", u.writeRoi().begin());
            json.writeEndObject();
          }
          json.writeEndArray();
          json.writeEndObject();
          json.writeRaw('\n');
        }
      }
    }
  }
}
