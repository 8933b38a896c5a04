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
import org.daisyjava.core.Roi;
import org.daisyjava.scheduler.graph.BlockGrid;
import org.daisyjava.scheduler.graph.DependencyGraph;

/**
 * {@code daisy-launch plan [--json]}: shows the blocks of every task without running anything.
 * The summary costs O(dimensions) per task whatever the block count; {@code --json} streams one
 * line per block.
 */
public final class PlanCommand {
  private PlanCommand() {}

  /**
   * One line per task: name, blocks, levels, grid shape, and the region its blocks write (the
   * union of their write ROIs, world units) beside its total ROI, so that a border left unwritten
   * because blocks need context is visible before anything runs.
   */
  public static void printSummary(DependencyGraph graph, PrintStream out) {
    int width = 4;
    for (int t = 0; t < graph.taskCount(); t++) {
      width = Math.max(width, graph.taskName(t).length());
    }
    String format = "%-" + width + "s  %15s  %10s  %-16s  %s%n";
    out.printf(format, "task", "blocks", "levels", "grid", "written region (world units)");
    for (int t = 0; t < graph.taskCount(); t++) {
      BlockGrid g = graph.grid(t);
      Roi written = written(graph, t);
      Roi total = g.geometry().totalRoi();
      String region = written == null ? "nothing" : roiText(written);
      if (written != null && !written.equals(total)) {
        region += "  [total_roi " + roiText(total) + ": " + unwritten(total, written) + "]";
      }
      out.printf(format, graph.taskName(t), g.blockCount(), g.levelCount(), gridText(g.gridShape()),
          region);
    }
    out.printf("total: %d blocks in %d task%s%n", graph.totalBlocks(), graph.taskCount(),
        graph.taskCount() == 1 ? "" : "s");
  }

  /**
   * The union of a task's write ROIs: the blocks form a regular grid, so it is the box from the
   * first block's write ROI to the last one's. Null if the task has no blocks.
   */
  public static Roi written(DependencyGraph graph, int task) {
    long count = graph.grid(task).blockCount();
    if (count == 0) {
      return null;
    }
    Roi first = graph.block(task, 0).writeRoi();
    Roi last = graph.block(task, count - 1).writeRoi();
    long[] begin = first.begin().toArray();
    long[] end = last.end().toArray();
    long[] shape = new long[begin.length];
    for (int i = 0; i < begin.length; i++) {
      shape[i] = end[i] - begin[i];
    }
    return Roi.of(begin, shape);
  }

  private static String unwritten(Roi total, Roi written) {
    long[] tb = total.begin().toArray();
    long[] te = total.end().toArray();
    long[] wb = written.begin().toArray();
    long[] we = written.end().toArray();
    StringBuilder low = new StringBuilder();
    StringBuilder high = new StringBuilder();
    for (int i = 0; i < tb.length; i++) {
      low.append(i == 0 ? "" : ", ").append(wb[i] - tb[i]);
      high.append(i == 0 ? "" : ", ").append(te[i] - we[i]);
    }
    return "unwritten (" + low + ") before, (" + high + ") after";
  }

  private static String roiText(Roi r) {
    return "offset " + r.begin() + " shape " + r.shape();
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
   * One JSON object per line for every block: its id, ROIs and upstream blocks (task, id and
   * write offset), sorted by task name, then offset. The id is what failures and the stream
   * format name a block by.
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
          json.writeNumberField("block_id", id);
          BlockJson.writeFields(json, graph.block(t, id));
          json.writeFieldName("upstream");
          json.writeStartArray();
          for (Block u : upstream) {
            json.writeStartObject();
            json.writeStringField("task", u.task());
            json.writeNumberField("block_id", u.id());
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
