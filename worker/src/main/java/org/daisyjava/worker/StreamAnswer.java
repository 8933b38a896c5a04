package org.daisyjava.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A stream process's answer for one block: {@code {"block_id":N,"status":"success"}} or
 * {@code {"block_id":N,"status":"failed","error":"..."}}.
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
    JsonNode status = root.get("status");
    if (status == null || !status.isTextual()
        || !(status.asText().equals("success") || status.asText().equals("failed"))) {
      throw new IllegalArgumentException(
          "\"status\" must be \"success\" or \"failed\" in " + quote(line));
    }
    if (status.asText().equals("success")) {
      return new StreamAnswer(true, null);
    }
    JsonNode error = root.get("error");
    String text = error == null || error.isNull() ? "" : error.isTextual() ? error.asText() : error.toString();
    return new StreamAnswer(false, text.isBlank() ? "stream process reported failure" : text);
  }

  private static String quote(String line) {
    String cut = line.length() > QUOTE_LENGTH ? line.substring(0, QUOTE_LENGTH) + "..." : line;
    return "'" + cut + "'";
  }
}
