package org.daisyjava.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A stream process's answer for one block: {@code {"block_id":N,"status":"success"}} or
 * {@code {"block_id":N,"status":"failed","error":"..."}}, on a line of its own that starts with
 * {@code @daisy } (or, as before answers were marked, without it; see {@link StreamOutput}).
 *
 * @param error what went wrong as the process put it, or null on success
 */
record StreamAnswer(boolean success, String error) {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How much of a garbled answer an error message quotes. */
  private static final int QUOTE_LENGTH = 200;

  /**
   * Reads the answer line for block {@code expectedBlockId}.
   *
   * @throws IllegalArgumentException if the line is not such an answer for that block, saying why
   */
  static StreamAnswer parse(String line, long expectedBlockId) {
    JsonNode root = objectFor(line, expectedBlockId);
    JsonNode status = root.get("status");
    if (status == null || !status.isTextual()
        || !(status.asText().equals("success") || status.asText().equals("failed"))) {
      throw new IllegalArgumentException(
          "\"status\" must be \"success\" or \"failed\" in " + quote(line));
    }
    if (status.asText().equals("success")) {
      return new StreamAnswer(true, null);
    }
    return new StreamAnswer(false, errorOf(root));
  }

  /**
   * A stream check's answer for one block: {@code {"block_id":N,"done":true|false}}, or
   * {@code {"block_id":N,"status":"failed","error":…}} when the check itself failed.
   *
   * @param error what went wrong as the check put it, or null if it answered
   */
  record Check(boolean done, String error) {}

  /**
   * Reads a stream check's answer line for block {@code expectedBlockId}.
   *
   * @throws IllegalArgumentException if the line is not such an answer for that block, saying why
   */
  static Check parseCheck(String line, long expectedBlockId) {
    JsonNode root = objectFor(line, expectedBlockId);
    JsonNode status = root.get("status");
    if (status != null && status.isTextual() && status.asText().equals("failed")) {
      return new Check(false, errorOf(root));
    }
    JsonNode done = root.get("done");
    if (done == null || !done.isBoolean()) {
      throw new IllegalArgumentException("no boolean \"done\" in " + quote(line));
    }
    return new Check(done.asBoolean(), null);
  }

  private static JsonNode objectFor(String line, long expectedBlockId) {
    JsonNode root;
    try {
      root = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      root = null;
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON object: " + quote(line));
    }
    JsonNode id = root.get("block_id");
    if (id == null || !id.isIntegralNumber() || !id.canConvertToLong()) {
      throw new IllegalArgumentException("no integer \"block_id\" in " + quote(line));
    }
    if (id.asLong() != expectedBlockId) {
      throw new IllegalArgumentException(
          "answered for block " + id.asLong() + " instead of block " + expectedBlockId);
    }
    return root;
  }

  private static String errorOf(JsonNode root) {
    JsonNode error = root.get("error");
    String text = error == null || error.isNull() ? "" : error.isTextual() ? error.asText() : error.toString();
    return text.isBlank() ? "stream process reported failure" : text;
  }

  /**
   * True if {@code line}, not marked as an answer, is one in the format from before answers were
   * marked: a JSON object with a {@code "block_id"}. Anything else a process prints is output.
   */
  static boolean isUnmarkedAnswer(String line) {
    try {
      JsonNode root = JSON.readTree(line);
      return root != null && root.isObject() && root.has("block_id");
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  private static String quote(String line) {
    String cut = line.length() > QUOTE_LENGTH ? line.substring(0, QUOTE_LENGTH) + "..." : line;
    return "'" + cut + "'";
  }
}
