package org.daisyjava.launcher.run;

import org.daisyjava.launcher.ExitCode;

/**
 * The rule for text that the launcher writes into job scripts and worker command lines but that
 * does not come from a config key (config values are checked by the config loader, with file,
 * line and key): paths made absolute against the working directory, the {@code --run-dir}
 * option, the launcher's own classpath and java. Quoting makes spaces and shell metacharacters
 * inert, but no quoting survives a newline inside a {@code #SBATCH}/{@code #BSUB} directive,
 * which the batch system reads line by line before any shell does; and a carriage return or an
 * escape sequence makes the saved script lie when it is shown in a terminal. So a control
 * character (tab included: it has no business in a path) refuses the launch with exit code 2.
 */
public final class ScriptText {
  private ScriptText() {}

  /** Throws exit-code-2 naming {@code what} and the first control character's position. */
  public static void check(String what, String value) throws LaunchException {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        throw new LaunchException(ExitCode.USAGE, what + " must not contain newlines or control"
            + " characters (found U+" + String.format("%04X", (int) c) + " at position " + i + " of '"
            + printable(value) + "'): it is written into job scripts and command lines");
      }
    }
  }

  /** {@code value} with control characters shown as {@code \n}, {@code \t} or {@code \xNN}. */
  static String printable(String value) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length() && out.length() < 300; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c)) {
            out.append(String.format("\\x%02X", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
