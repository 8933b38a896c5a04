package org.daisyjava.launcher.progress;

/**
 * The first line of a text of several (an error with its stack trace, the reason a task was given
 * up), marked {@code " …"} where lines were left out: what a row of the console's tables has room
 * for. The full text is in the run directory's JSON.
 */
final class FirstLine {
  private FirstLine() {}

  static String of(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl) + " …";
  }
}
