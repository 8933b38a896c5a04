package org.daisyjava.launcher.progress;

import java.util.List;

/**
 * The width of a text column in the console's tables (the execution summary, the statistics,
 * {@code daisy-launch status}): as wide as its widest value and at least as its header, so that
 * the header and every row line up whatever the names.
 */
public final class ColumnWidth {
  private ColumnWidth() {}

  public static int of(String header, List<String> values) {
    int width = header.length();
    for (String v : values) {
      width = Math.max(width, v.length());
    }
    return width;
  }
}
