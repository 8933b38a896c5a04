package org.daisyjava.launcher.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSnapshot;
import org.daisyjava.scheduler.state.TaskCounts;
import org.junit.jupiter.api.Test;

/**
 * What the console's tables share: a text column as wide as its header and its widest value
 * ({@link ColumnWidth}), and multi-line texts cut to their first line ({@link FirstLine}).
 */
class ConsoleTablesTest {
  @Test
  void aColumnIsAsWideAsItsWidestValueAndAtLeastItsHeader() {
    assertEquals(4, ColumnWidth.of("task", List.of()));
    assertEquals(4, ColumnWidth.of("task", List.of("a", "bc")));
    assertEquals(13, ColumnWidth.of("task", List.of("a", "gaussian_blur", "seg")));
    assertEquals(6, ColumnWidth.of("worker", List.of("n1")));
  }

  @Test
  void aTextOfSeveralLinesShowsItsFirstMarkedAsCut() {
    assertEquals("boom", FirstLine.of("boom"));
    assertEquals("java.io.IOException: disk full …", FirstLine.of("java.io.IOException: disk full\n\tat a.b(C.java:1)"));
    assertEquals(" …", FirstLine.of("\nsecond"));
  }

  @Test
  void theExecutionSummaryLinesUpALongTaskNameWithItsHeaderAndCutsAReasonToItsFirstLine() {
    TaskCounts c = new TaskCounts(64, 63, 0, 1, 0, 2, 0, 0, true);
    ServerSnapshot s = new ServerSnapshot(0, List.of(new TaskSnapshot("a", c, false, 0, 0, 0, null),
        new TaskSnapshot("segmentation_of_everything", c, false, 0, 0, 0, "no worker could start\nsetup: exit 4")),
        List.of(), 0, true, false);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Summary.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), s, RunState.FINISHED, null, "/r", 5, Map.of());
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    String header = lines.stream().filter(l -> l.startsWith("  task ")).findFirst().orElseThrow();
    int totalEnds = header.indexOf("total") + "total".length();
    List<String> rows = lines.stream().filter(l -> l.startsWith("  a ") || l.startsWith("  segm")).toList();
    assertEquals(2, rows.size(), String.join("\n", lines));
    for (String row : rows) {
      assertEquals("64", row.substring(totalEnds - 2, totalEnds), row + "\n" + header);
    }
    assertTrue(lines.contains("task segmentation_of_everything was given up: no worker could start …"),
        String.join("\n", lines));
  }
}
