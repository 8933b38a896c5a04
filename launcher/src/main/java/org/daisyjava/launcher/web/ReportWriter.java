package org.daisyjava.launcher.web;

import java.nio.file.Path;
import java.util.logging.Logger;
import org.daisyjava.launcher.observe.DocumentFile;
import org.daisyjava.launcher.observe.RunEnding;
import org.daisyjava.launcher.observe.RunEndListener;
import org.daisyjava.launcher.observe.RunModel;

/**
 * Writes {@code run_dir/report.html} when the run ends, finished or interrupted: the live page
 * with the final document inline — summary, statistics, throughput, duration histograms, worker
 * timeline, final block maps and failures — readable offline (no request leaves the file).
 */
public final class ReportWriter extends RunEndListener {
  private static final Logger LOG = Logger.getLogger(ReportWriter.class.getName());
  private final Path file;
  private final Path runDir;

  public ReportWriter(Path file, Path runDir) {
    this.file = file;
    this.runDir = runDir;
  }

  @Override
  protected void ended(RunModel model, RunEnding ending) {
    DocumentFile.replace(file, PageTemplate.report(RunDocument.json(model, ending.state().json(), runDir)), LOG);
  }
}
