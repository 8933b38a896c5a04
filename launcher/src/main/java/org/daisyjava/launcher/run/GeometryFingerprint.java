package org.daisyjava.launcher.run;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.daisyjava.core.Roi;
import org.daisyjava.scheduler.graph.TaskGeometry;

/**
 * The part of a run that decides block ids, written into the checkpoint log's header: task
 * order, names, ROIs, fit, conflicts, upstream tasks. One line per task, readable, so that a
 * resume can say exactly what changed. Everything else (workers, retries, backend options, the
 * process command) may change between runs without touching block ids.
 */
public final class GeometryFingerprint {
  private static final String FIRST_LINE = "daisy-java geometry v1";
  private final List<String> taskLines;

  private GeometryFingerprint(List<String> taskLines) {
    this.taskLines = List.copyOf(taskLines);
  }

  public static GeometryFingerprint of(List<TaskGeometry> tasks) {
    List<String> lines = new ArrayList<>();
    for (TaskGeometry t : tasks) {
      lines.add("task " + t.name()
          + " total_roi=" + roi(t.totalRoi())
          + " read_roi=" + roi(t.readRoi())
          + " write_roi=" + roi(t.writeRoi())
          + " fit=" + t.fit().configName()
          + " read_write_conflict=" + t.readWriteConflict()
          + " upstream=" + String.join(",", t.upstream()));
    }
    return new GeometryFingerprint(lines);
  }

  private static String roi(Roi r) {
    return "[" + r.begin().toCsv() + "]+[" + r.shape().toCsv() + "]";
  }

  public byte[] toBytes() {
    StringBuilder s = new StringBuilder(FIRST_LINE).append('\n');
    for (String l : taskLines) {
      s.append(l).append('\n');
    }
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Reads a fingerprint from a log header; null if it is not one. */
  public static GeometryFingerprint parse(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    String[] lines = text.split("\n");
    if (lines.length == 0 || !lines[0].equals(FIRST_LINE)) {
      return null;
    }
    List<String> tasks = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      if (!lines[i].isEmpty()) {
        tasks.add(lines[i]);
      }
    }
    return new GeometryFingerprint(tasks);
  }

  /**
   * What differs between the run that wrote the log ({@code this}) and the current config, one
   * item per change; empty if block ids are the same.
   */
  public List<String> differencesTo(GeometryFingerprint current) {
    List<String> out = new ArrayList<>();
    Map<String, Map<String, String>> before = byTask(taskLines);
    Map<String, Map<String, String>> now = byTask(current.taskLines);
    for (String task : before.keySet()) {
      if (!now.containsKey(task)) {
        out.add("task " + task + " was removed");
      }
    }
    for (Map.Entry<String, Map<String, String>> e : now.entrySet()) {
      Map<String, String> old = before.get(e.getKey());
      if (old == null) {
        out.add("task " + e.getKey() + " was added");
        continue;
      }
      for (Map.Entry<String, String> kv : e.getValue().entrySet()) {
        String was = old.get(kv.getKey());
        if (!kv.getValue().equals(was)) {
          out.add("task " + e.getKey() + ": " + kv.getKey() + " changed from " + was + " to " + kv.getValue());
        }
      }
    }
    if (out.isEmpty() && !before.keySet().stream().toList().equals(now.keySet().stream().toList())) {
      out.add("the order of the tasks changed (was " + String.join(", ", before.keySet())
          + ", now " + String.join(", ", now.keySet()) + ")");
    }
    return out;
  }

  private static Map<String, Map<String, String>> byTask(List<String> lines) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (String line : lines) {
      String[] parts = line.split(" ");
      Map<String, String> fields = new LinkedHashMap<>();
      for (int i = 2; i < parts.length; i++) {
        int eq = parts[i].indexOf('=');
        if (eq > 0) {
          fields.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
      }
      out.put(parts.length > 1 ? parts[1] : line, fields);
    }
    return out;
  }
}
