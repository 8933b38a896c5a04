package org.daisyjava.launcher.backend;

import java.nio.file.Path;

/**
 * One array of worker jobs to submit: the rendered script, how many elements, the run's job
 * name (every job of a launch carries it) and the task's log directory. The executor turns it
 * into its batch system's array notation.
 */
public record Submission(Path script, int count, String jobName, Path logDir) {
  public Submission {
    if (count < 1) {
      throw new IllegalArgumentException("an array of " + count + " jobs");
    }
  }
}
