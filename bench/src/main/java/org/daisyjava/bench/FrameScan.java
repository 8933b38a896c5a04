package org.daisyjava.bench;

import java.nio.charset.StandardCharsets;

/**
 * The load generator's reading of the scheduler's frames: finds a top-level string or integer
 * field of a one-line JSON object without building a tree, so that thousands of simulated workers
 * cost their driver threads little. It relies on what the scheduler's encoder writes (field names
 * and string values without escapes, as for {@code type}); it is a benchmark's reader, not a
 * general JSON parser — workers proper decode with {@code MessageCodec}.
 */
final class FrameScan {
  private FrameScan() {}

  /** The string value of {@code field}, or null if there is none. */
  static String text(byte[] frame, String field) {
    int i = valueStart(frame, field);
    if (i < 0 || frame[i] != '"') {
      return null;
    }
    int end = i + 1;
    while (end < frame.length && frame[end] != '"') {
      end++;
    }
    return end < frame.length ? new String(frame, i + 1, end - i - 1, StandardCharsets.UTF_8) : null;
  }

  /** The non-negative integer value of {@code field}, or -1 if there is none. */
  static long number(byte[] frame, String field) {
    int i = valueStart(frame, field);
    if (i < 0 || frame[i] < '0' || frame[i] > '9') {
      return -1;
    }
    long v = 0;
    while (i < frame.length && frame[i] >= '0' && frame[i] <= '9') {
      v = v * 10 + (frame[i++] - '0');
    }
    return v;
  }

  /**
   * The non-negative integer values of every {@code field} in the frame, at any depth, in order
   * (the block ids of a version-2 {@code block} message); at most {@code max}.
   */
  static long[] numbers(byte[] frame, String field, int max) {
    long[] out = new long[max];
    int n = 0;
    int from = 0;
    while (n < max) {
      int i = valueStart(frame, field, from);
      if (i < 0) {
        break;
      }
      if (frame[i] >= '0' && frame[i] <= '9') {
        long v = 0;
        while (i < frame.length && frame[i] >= '0' && frame[i] <= '9') {
          v = v * 10 + (frame[i++] - '0');
        }
        out[n++] = v;
      }
      from = i;
    }
    return java.util.Arrays.copyOf(out, n);
  }

  /** Index of the first byte of {@code "field"}'s first value, or -1. */
  private static int valueStart(byte[] frame, String field) {
    return valueStart(frame, field, 0);
  }

  /** Index of the first byte of the value of the first {@code "field"} at or after {@code from}, or -1. */
  private static int valueStart(byte[] frame, String field, int from) {
    byte[] key = ("\"" + field + "\"").getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = from; i + key.length <= frame.length; i++) {
      for (int k = 0; k < key.length; k++) {
        if (frame[i + k] != key[k]) {
          continue outer;
        }
      }
      int j = i + key.length;
      while (j < frame.length && (frame[j] == ' ' || frame[j] == ':')) {
        j++;
      }
      return j < frame.length ? j : -1;
    }
    return -1;
  }
}
