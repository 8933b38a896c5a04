package org.daisyjava.core.protocol;

/**
 * Makes text a peer supplied (a worker's name, a refused hello's task, a decoder's complaint that
 * quotes the frame) safe for one log line: control characters become escapes, so a newline cannot
 * forge a line of its own, and the text is cut to {@link #MAX_CHARS}, so a 1 MiB name cannot fill
 * the log.
 */
public final class PeerText {
  /** Enough for any honest name, task or reason. */
  public static final int MAX_CHARS = 200;

  private PeerText() {}

  /** {@code text} escaped and cut; {@code "(none)"} for null. */
  public static String quote(String text) {
    if (text == null) {
      return "(none)";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 16);
    int i = 0;
    for (; i < text.length() && out.length() < MAX_CHARS; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\\' -> out.append("\\\\");
        default -> {
          if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
              || Character.isSurrogate(c) && !validPair(text, i)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    if (i < text.length()) {
      out.append("… (").append(text.length() - i).append(" more characters)");
    }
    return out.toString();
  }

  private static boolean validPair(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
