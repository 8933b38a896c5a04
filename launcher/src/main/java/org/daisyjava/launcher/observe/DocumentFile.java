package org.daisyjava.launcher.observe;

import java.io.IOException;
import java.nio.file.Path;
import java.util.logging.Logger;
import org.daisyjava.launcher.run.LaunchException;
import org.daisyjava.launcher.run.RunDirectory;

/**
 * A document of the run directory that the launcher rewrites whole: {@code status.json},
 * {@code summary.json}, {@code report.html}. Written atomically, so that a reader
 * ({@code daisy-launch status}, a browser, a script) sees the old text or the new, never half of
 * one. A failure (a full disk, a run directory made read-only) is logged and costs that document
 * only: the run goes on, since what a resume needs is in the checkpoint log, whose failures are
 * the run's own.
 */
public final class DocumentFile {
  private DocumentFile() {}

  /** Replaces {@code file} with {@code text}; a failure is a warning on {@code log} (the writer's). */
  public static void replace(Path file, String text, Logger log) {
    try {
      RunDirectory.writeAtomically(file, text);
    } catch (IOException e) {
      log.warning("cannot write " + file + ": " + LaunchException.describe(e));
    }
  }
}
