package org.daisyjava.launcher.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.daisyjava.core.DurationText;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A node of the YAML config that knows its key path and line, so that every conversion error
 * names both. Typed getters convert eagerly and throw {@link ConfigException}.
 */
final class ConfigNode {
  /**
   * Sees, on this thread, every set of keys a mapping allows, with the mapping's path — the
   * loader's own list of keys, for the test that holds the config reference to it
   * ({@code docs/config.md}). Unset in every real launch.
   */
  static final ThreadLocal<BiConsumer<String, Set<String>>> KEY_PROBE = new ThreadLocal<>();

  private static final Pattern DECIMAL = Pattern.compile("[-+]?(0|[1-9][0-9]*)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]B?|B)?", Pattern.CASE_INSENSITIVE);

  private final String file;
  private final String path;
  private final Node node;

  ConfigNode(String file, String path, Node node) {
    this.file = file;
    this.path = path;
    this.node = node;
  }

  String path() {
    return path;
  }

  /** 1-based line of this node. */
  int line() {
    return node.getStartMark().getLine() + 1;
  }

  ConfigException error(String problem) {
    return new ConfigException(file, line(), path, problem);
  }

  boolean isNull() {
    return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
  }

  // ---- mappings ----

  boolean isMapping() {
    return node instanceof MappingNode;
  }

  private MappingNode mapping() throws ConfigException {
    if (node instanceof MappingNode m) {
      return m;
    }
    throw error("expected a mapping (key: value), got " + describe());
  }

  /** The entries of a mapping, in file order; duplicate keys are an error. */
  Map<String, ConfigNode> entries() throws ConfigException {
    Map<String, ConfigNode> out = new LinkedHashMap<>();
    for (NodeTuple t : mapping().getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        throw new ConfigNode(file, path, t.getKeyNode()).error("keys must be plain names");
      }
      String key = k.getValue();
      ConfigNode child = new ConfigNode(file, childPath(key), t.getValueNode());
      if (out.put(key, child) != null) {
        throw new ConfigNode(file, childPath(key), k).error("key given twice");
      }
    }
    return out;
  }

  private String childPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** Fails on the first key not in {@code allowed}, listing the allowed ones. */
  void allowOnly(Set<String> allowed) throws ConfigException {
    BiConsumer<String, Set<String>> probe = KEY_PROBE.get();
    if (probe != null) {
      probe.accept(path, allowed);
    }
    for (NodeTuple t : mapping().getValue()) {
      String key = ((ScalarNode) t.getKeyNode()).getValue();
      if (!allowed.contains(key)) {
        String guess = closest(key, allowed);
        throw new ConfigNode(file, childPath(key), t.getKeyNode())
            .error("unknown key" + (guess == null ? "" : " (did you mean '" + guess + "'?)")
                + " (allowed here: " + String.join(", ", new TreeSet<>(allowed)) + ")");
      }
    }
  }

  /** The allowed key a typo most likely meant: at most two edits away, or null. */
  private static String closest(String key, Set<String> allowed) {
    String best = null;
    int bestDistance = 3;
    for (String candidate : new TreeSet<>(allowed)) {
      int d = editDistance(key, candidate);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best;
  }

  /** Levenshtein distance (insertions, deletions, substitutions), for short keys. */
  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /** The child under {@code key}, or null if absent or explicitly null. */
  ConfigNode get(String key) throws ConfigException {
    ConfigNode c = entries().get(key);
    return c == null || c.isNull() ? null : c;
  }

  ConfigNode require(String key) throws ConfigException {
    ConfigNode c = get(key);
    if (c == null) {
      throw error("missing required key '" + key + "'");
    }
    return c;
  }

  // ---- sequences ----

  boolean isList() {
    return node instanceof SequenceNode;
  }

  List<ConfigNode> list() throws ConfigException {
    if (!(node instanceof SequenceNode s)) {
      throw error("expected a list, got " + describe());
    }
    List<ConfigNode> out = new ArrayList<>();
    List<Node> items = s.getValue();
    for (int i = 0; i < items.size(); i++) {
      out.add(new ConfigNode(file, path + "[" + i + "]", items.get(i)));
    }
    return out;
  }

  List<String> stringList() throws ConfigException {
    List<String> out = new ArrayList<>();
    for (ConfigNode c : list()) {
      out.add(c.string());
    }
    return out;
  }

  long[] longArray() throws ConfigException {
    List<ConfigNode> items = list();
    long[] out = new long[items.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = items.get(i).integer();
    }
    return out;
  }

  // ---- scalars ----

  private ScalarNode scalar(String expected) throws ConfigException {
    if (node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL)) {
      return s;
    }
    throw error("expected " + expected + ", got " + describe());
  }

  /** A string; numbers and booleans are taken as written. Control characters are rejected. */
  String string() throws ConfigException {
    String v = scalar("a string").getValue();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (Character.isISOControl(c) && c != '\t') {
        throw error("must not contain newlines or control characters");
      }
    }
    return v;
  }

  /**
   * A file system path that is written into job scripts and command lines (run_dir, java,
   * classpath): like {@link #string()}, and a tab is refused too (no path needs one, and in a
   * directive or a command line it looks like a separator).
   */
  String pathValue() throws ConfigException {
    String v = string();
    if (v.indexOf('\t') >= 0) {
      throw error("must not contain tabs, newlines or control characters (a path that is written"
          + " into job scripts)");
    }
    return v;
  }

  /** A string that may span lines (a command); other control characters are still rejected. */
  String text() throws ConfigException {
    String v = scalar("a string").getValue();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (Character.isISOControl(c) && c != '\t' && c != '\n') {
        throw error("must not contain control characters");
      }
    }
    return v;
  }

  /**
   * A decimal integer of the {@code long} range. YAML 1.1 also reads {@code 0x1F}, {@code 0b101},
   * {@code 017} (octal!) and {@code 1:30} (base 60) as integers; a coordinate written so is
   * almost surely a mistake, so only plain decimals (with optional sign and {@code _}) pass.
   */
  long integer() throws ConfigException {
    ScalarNode s = scalar("an integer");
    String v = s.getValue().replace("_", "");
    if (s.getTag().equals(Tag.INT)) {
      if (!DECIMAL.matcher(v).matches()) {
        throw error("expected a decimal integer, got '" + shorten(s.getValue()) + "'");
      }
      try {
        return Long.parseLong(v.startsWith("+") ? v.substring(1) : v);
      } catch (NumberFormatException e) {
        throw error("integer out of range (beyond ±2^63): " + shorten(s.getValue()));
      }
    }
    throw error("expected an integer, got '" + shorten(s.getValue()) + "'");
  }

  /** A value quoted in a message: long ones are cut (a message is one line of a terminal). */
  static String shorten(String v) {
    return v.length() <= 60 ? v : v.substring(0, 40) + "… (" + v.length() + " characters)";
  }

  int intValue(int min, int max) throws ConfigException {
    long v = integer();
    if (v < min || v > max) {
      throw error("must be between " + min + " and " + max + ", got " + v);
    }
    return (int) v;
  }

  double number() throws ConfigException {
    ScalarNode s = scalar("a number");
    if (s.getTag().equals(Tag.INT) || s.getTag().equals(Tag.FLOAT)) {
      try {
        return Double.parseDouble(s.getValue().replace("_", ""));
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw error("expected a number, got '" + shorten(s.getValue()) + "'");
  }

  boolean bool() throws ConfigException {
    ScalarNode s = scalar("true or false");
    if (s.getTag().equals(Tag.BOOL)) {
      String v = s.getValue().toLowerCase(Locale.ROOT);
      return v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("y");
    }
    throw error("expected true or false, got '" + shorten(s.getValue()) + "'");
  }

  /** {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h} (also {@code 1d}, {@code 1.5s}): {@link DurationText}. */
  Duration duration() throws ConfigException {
    String v = scalar(DurationText.EXPECTED).getValue();
    try {
      return DurationText.parse(v);
    } catch (IllegalArgumentException e) {
      throw error(e.getMessage());
    }
  }

  /** A memory size such as {@code 512M} or {@code 16G}, kept as written (upper-cased unit). */
  String size() throws ConfigException {
    String v = scalar("a size such as 512M or 16G").getValue().trim();
    if (!SIZE.matcher(v).matches()) {
      throw error("expected a size such as 512M or 16G, got '" + shorten(v) + "'");
    }
    return v.toUpperCase(Locale.ROOT);
  }

  /** One of {@code allowed} (exact match). */
  String oneOf(List<String> allowed) throws ConfigException {
    String v = string();
    if (!allowed.contains(v)) {
      throw error("expected one of " + String.join(", ", allowed) + ", got '" + shorten(v) + "'");
    }
    return v;
  }

  /** A mapping of plain string values (e.g. environment variables). */
  Map<String, String> stringMap() throws ConfigException {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigNode> e : entries().entrySet()) {
      out.put(e.getKey(), e.getValue().string());
    }
    return out;
  }

  private String describe() {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    ScalarNode s = (ScalarNode) node;
    return s.getTag().equals(Tag.NULL) ? "nothing (null)" : "'" + s.getValue() + "'";
  }
}
