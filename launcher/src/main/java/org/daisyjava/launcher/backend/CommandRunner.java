package org.daisyjava.launcher.backend;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Runs a cluster command ({@code sbatch}, {@code squeue}, {@code scancel}, …) and captures its
 * output. The one implementation here runs it on this machine; a login-node transport would be
 * another.
 */
public interface CommandRunner {
  /** What a command printed and how it ended. */
  record Result(int exitCode, String stdout, String stderr) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** stderr, or stdout if stderr is empty: what to show the user when it failed. */
    public String message() {
      String s = stderr.isBlank() ? stdout : stderr;
      return s.strip();
    }
  }

  /**
   * Runs {@code argv}; {@code stdin} (may be null) is written to its standard input.
   *
   * @throws IOException if the command cannot be started at all (e.g. not installed) or times out
   */
  Result run(List<String> argv, String stdin, Duration timeout) throws IOException;
}
