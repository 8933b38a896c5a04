package org.daisyjava.launcher.progress;

import java.io.PrintStream;
import java.util.logging.Logger;
import org.daisyjava.launcher.observe.DocumentFile;
import org.daisyjava.launcher.observe.RunEnding;
import org.daisyjava.launcher.observe.RunListener;
import org.daisyjava.launcher.run.RunDirectory;
import org.daisyjava.scheduler.server.ServerSnapshot;

/**
 * The end of a run as the user reads it: {@code summary.json} and the execution summary on the
 * output. A listener like the event stream and the report, and ahead of the statistics, which
 * add their table to both.
 */
public final class SummaryOutput implements RunListener {
  private static final Logger LOG = Logger.getLogger(SummaryOutput.class.getName());

  private final RunDirectory dir;
  private final PrintStream out;

  public SummaryOutput(RunDirectory dir, PrintStream out) {
    this.dir = dir;
    this.out = out;
  }

  @Override
  public void ended(ServerSnapshot last, RunEnding ending) {
    DocumentFile.replace(dir.summaryFile(),
        RunReport.json(last, ending.state(), ending.reason(), false, ending.workerLosses()), LOG);
    Summary.print(out, last, ending.state(), ending.reason(), dir.root().toString(), ending.seconds(),
        ending.workerLosses());
  }
}
