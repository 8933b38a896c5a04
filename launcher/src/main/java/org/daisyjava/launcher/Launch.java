package org.daisyjava.launcher;

import java.io.PrintStream;
import org.daisyjava.launcher.config.PipelineConfig;

/** Runs a validated pipeline: run directory, scheduler, backend, progress, summary. */
final class Launch {
  private Launch() {}

  static int run(PipelineConfig config, LaunchOptions options, PrintStream out, PrintStream err) {
    err.println("daisy-launch: running pipelines is not available yet; use 'daisy-launch plan'");
    return ExitCode.USAGE;
  }
}
