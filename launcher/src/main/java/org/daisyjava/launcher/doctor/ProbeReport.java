package org.daisyjava.launcher.doctor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the doctor's probe job found on a compute node, and the one text format it travels in:
 * lines {@code daisy-doctor KEY VALUE}, printed to the job's stdout (so a report that cannot
 * reach the head is still in the job's log) and sent as one ZeroMQ frame to the head. Values are
 * single-line. The head reads the text as untrusted input: at most {@link #MAX_BYTES}, known keys
 * only, values cut to {@link #MAX_VALUE} characters.
 *
 * <p>Keys: {@code node}, {@code cpus}, {@code gpus}, {@code java}, {@code run_dir} and
 * {@code jar} ("visible" or what is wrong), and one {@code address} line per candidate head
 * address: {@code ADDRESS ok MILLIS} or {@code ADDRESS none}.
 */
record ProbeReport(String node, String cpus, String gpus, String java, String runDir, String jar,
    List<Answer> addresses) {
  static final String PREFIX = "daisy-doctor ";
  static final int MAX_BYTES = 64 << 10;
  static final int MAX_VALUE = 300;
  private static final List<String> KEYS = List.of("node", "cpus", "gpus", "java", "run_dir", "jar");

  /** One candidate address as tried from the compute node; {@code millis} &lt; 0: no answer. */
  record Answer(String address, long millis) {
    boolean answered() {
      return millis >= 0;
    }
  }

  boolean anyAnswered() {
    return addresses.stream().anyMatch(Answer::answered);
  }

  String text() {
    StringBuilder b = new StringBuilder();
    List<String> values = List.of(node, cpus, gpus, java, runDir, jar);
    for (int i = 0; i < KEYS.size(); i++) {
      b.append(PREFIX).append(KEYS.get(i)).append(' ').append(oneLine(values.get(i))).append('\n');
    }
    for (Answer a : addresses) {
      b.append(PREFIX).append("address ").append(a.address()).append(a.answered() ? " ok " + a.millis() : " none")
          .append('\n');
    }
    return b.toString();
  }

  /** The report in {@code text} (other lines are ignored), or null if it has none. */
  static ProbeReport parse(String text) {
    if (text.length() > MAX_BYTES) {
      text = text.substring(0, MAX_BYTES);
    }
    Map<String, String> v = new LinkedHashMap<>();
    List<Answer> answers = new ArrayList<>();
    for (String line : text.split("\n")) {
      int at = line.indexOf(PREFIX);
      if (at < 0) {
        continue;
      }
      String[] kv = line.substring(at + PREFIX.length()).strip().split(" ", 2);
      String value = kv.length > 1 ? cut(kv[1]) : "";
      if (kv[0].equals("address")) {
        String[] f = value.split(" ");
        if (f.length >= 2 && answers.size() < 64) {
          long ms = -1;
          if (f[1].equals("ok") && f.length == 3) {
            try {
              ms = Math.max(0, Long.parseLong(f[2]));
            } catch (NumberFormatException e) {
              ms = -1;
            }
          }
          answers.add(new Answer(f[0], ms));
        }
      } else if (KEYS.contains(kv[0])) {
        v.put(kv[0], value);
      }
    }
    if (v.isEmpty() && answers.isEmpty()) {
      return null;
    }
    return new ProbeReport(v.getOrDefault("node", "?"), v.getOrDefault("cpus", "?"), v.getOrDefault("gpus", "?"),
        v.getOrDefault("java", "?"), v.getOrDefault("run_dir", "?"), v.getOrDefault("jar", "?"), List.copyOf(answers));
  }

  private static String oneLine(String s) {
    return cut(s.replaceAll("[\\r\\n]+", " "));
  }

  private static String cut(String s) {
    String clean = s.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > MAX_VALUE ? clean.substring(0, MAX_VALUE) + "…" : clean;
  }
}
