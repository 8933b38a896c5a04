package org.daisyjava.launcher.config;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Bounds on a composed config document, checked before any key is read. SnakeYAML already
 * bounds the input ({@code LoaderOptions}: 3 M code points, nesting depth 50, at most 10 aliases
 * of collections, so a "billion laughs" of nested lists is refused while parsing); what it lets
 * through and this class refuses:
 * <ul>
 *   <li>Explicit tags other than YAML's plain types. The config is only composed, never
 *       constructed, so a global tag such as {@code !!javax.script.ScriptEngineManager} builds
 *       nothing; but it would be silently ignored, and a value the user marked as something
 *       else is better refused than taken as text.
 *   <li>Aliases of long scalars: an alias costs four characters of input and expands to the
 *       whole scalar every time it is used, so a 1 MB string named 2,000 times in a list makes a
 *       2 GB job script. The text reachable from the root, aliases expanded, is bounded.
 *   <li>Single strings longer than anything a config needs (they would also be quoted in
 *       messages, job scripts and command lines).
 * </ul>
 */
final class DocumentLimits {
  /** Longest single scalar: far above any path, command or directive. */
  static final int MAX_SCALAR = 64 * 1024;
  /** Total characters of all scalars with aliases expanded. */
  static final long MAX_EXPANDED = 4L * 1024 * 1024;
  private static final Set<Tag> PLAIN_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL,
      Tag.NULL, Tag.TIMESTAMP, Tag.MAP, Tag.SEQ);

  private final String file;
  /** Expanded size of each shared node already measured, so a DAG is walked once per node. */
  private final Map<Node, Long> measured = new IdentityHashMap<>();
  /** Collections being walked: meeting one again means it contains itself through an alias. */
  private final Map<Node, Boolean> open = new IdentityHashMap<>();

  private DocumentLimits(String file) {
    this.file = file;
  }

  static void check(String file, Node root) throws ConfigException {
    long total = new DocumentLimits(file).walk(root, "");
    if (total > MAX_EXPANDED) {
      throw new ConfigException(file, 1, "", "the document's text, aliases expanded, is " + total
          + " characters; at most " + MAX_EXPANDED + " are accepted");
    }
  }

  /** Characters of the scalars under {@code n}, aliases expanded (capped just above the limit). */
  private long walk(Node n, String path) throws ConfigException {
    Long known = measured.get(n);
    if (known != null) {
      return known;
    }
    if (!PLAIN_TAGS.contains(n.getTag())) {
      throw error(n, path, "YAML tag " + n.getTag().getValue() + " is not allowed here (a config"
          + " holds only strings, numbers, booleans, lists and mappings)");
    }
    if (open.put(n, Boolean.TRUE) != null) {
      throw error(n, path, "a list or mapping that contains itself (through an alias)");
    }
    long size = 0;
    if (n instanceof ScalarNode s) {
      int length = s.getValue().length();
      if (length > MAX_SCALAR) {
        throw error(n, path, "a value of " + length + " characters; at most " + MAX_SCALAR
            + " are accepted");
      }
      size = length;
    } else if (n instanceof SequenceNode q) {
      List<Node> items = q.getValue();
      for (int i = 0; i < items.size() && size <= MAX_EXPANDED; i++) {
        size += walk(items.get(i), path + "[" + i + "]");
      }
    } else if (n instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        if (size > MAX_EXPANDED) {
          break;
        }
        size += walk(t.getKeyNode(), path);
        String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?";
        size += walk(t.getValueNode(), path.isEmpty() ? key : path + "." + key);
      }
    }
    open.remove(n);
    size = Math.min(size, MAX_EXPANDED + 1);
    measured.put(n, size);
    return size;
  }

  private ConfigException error(Node n, String path, String problem) {
    return new ConfigException(file, n.getStartMark().getLine() + 1, path, problem);
  }
}
