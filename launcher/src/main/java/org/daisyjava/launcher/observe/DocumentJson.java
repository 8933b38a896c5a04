package org.daisyjava.launcher.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The text of the run's JSON documents (events.jsonl's lines, status.json, summary.json, the
 * page's document). They are built as maps and lists of strings, numbers, booleans, arrays and
 * nulls, which always serialise: a failure here is a bug in the launcher, not a condition of the
 * run, and is thrown as one.
 *
 * <p>One mapper for all of them: the first mapper a JVM makes costs 35–170 ms here (Jackson's
 * databind starting), so the launcher makes it once, when it first writes a document — which is
 * after it has started its first workers, whose JVMs start meanwhile.
 */
public final class DocumentJson {
  /** Jackson's mapper is thread-safe once configured (it is not configured at all). */
  private static final ObjectMapper JSON = new ObjectMapper();

  private DocumentJson() {}

  /** {@code document} (maps, lists, scalars) as a JSON tree. */
  public static JsonNode tree(Object document) {
    return JSON.valueToTree(document);
  }

  /** The JSON document in {@code text}. */
  public static JsonNode read(String text) throws JsonProcessingException {
    return JSON.readTree(text);
  }

  /** {@code document} as compact JSON on one line, without a line end. */
  public static String write(Object document) {
    try {
      return JSON.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a run document did not serialise", e);
    }
  }
}
