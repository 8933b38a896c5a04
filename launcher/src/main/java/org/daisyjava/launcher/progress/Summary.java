package org.daisyjava.launcher.progress;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSnapshot;
import org.daisyjava.scheduler.state.Failure;
import org.daisyjava.scheduler.state.TaskCounts;

/** The execution summary printed at the end of a run. */
public final class Summary {
  private static final int SHOWN_FAILURES = 10;

  private Summary() {}

  public static void print(PrintStream out, ServerSnapshot s, String state, String runDir, long seconds) {
    print(out, s, RunState.fromJson(state), null, runDir, seconds, Map.of());
  }

  /**
   * @param reason why a {@link RunState#FAILED} run could not go on, else null
   * @param losses how each task's lost workers ended (see Backend#workerLosses)
   */
  public static void print(PrintStream out, ServerSnapshot s, RunState state, String reason,
      String runDir, long seconds, Map<String, List<String>> losses) {
    out.println();
    out.println("execution summary (" + state.json() + " after " + Progress.duration(seconds)
        + ", run_dir " + runDir + ")");
    if (reason != null) {
      out.println("  the run failed: " + reason);
    }
    int width = ColumnWidth.of("task", s.tasks().stream().map(TaskSnapshot::name).toList());
    String row = "  %-" + width + "s %12s %12s %10s %8s %9s %8s%n";
    out.printf(row, "task", "total", "completed", "skipped", "failed", "orphaned", "retries");
    long failed = 0;
    long orphaned = 0;
    for (TaskSnapshot t : s.tasks()) {
      TaskCounts c = t.counts();
      out.printf(row, t.name(), c.total(), c.completed(), c.skipped(), c.failed(), c.orphaned(), c.retries());
      failed += c.failed();
      orphaned += c.orphaned();
    }
    if (!losses.isEmpty()) {
      out.println("lost workers:");
      losses.forEach((task, reasons) -> reasons.forEach(r -> out.println("  " + task + ": " + r)));
    }
    if (!s.failures().isEmpty()) {
      out.println("first failures:");
      int shown = 0;
      for (Failure f : s.failures()) {
        if (shown++ == SHOWN_FAILURES) {
          out.println("  … (" + (s.failures().size() - SHOWN_FAILURES) + " more in summary.json)");
          break;
        }
        String what = f.blockId() >= 0
            ? "task " + f.task() + ", block " + f.blockId()
                + (f.writeRoi() == null ? "" : ", write ROI offset " + f.writeRoi().begin() + " shape "
                    + f.writeRoi().shape())
                + " (" + f.attempts() + " attempt" + (f.attempts() == 1 ? "" : "s") + ")"
            : "task " + f.task();
        out.println("  " + what + ": " + indent(f.error()));
        if (f.source() != null) {
          out.println("      on " + f.source());
        }
      }
    }
    for (TaskSnapshot t : s.tasks()) {
      if (t.abandonReason() != null) {
        out.println("task " + t.name() + " was given up: " + FirstLine.of(t.abandonReason()));
      }
    }
    if (failed + orphaned > 0) {
      out.println(failed + " block" + (failed == 1 ? "" : "s") + " failed, " + orphaned
          + " orphaned (never run because a block they depend on failed)");
    }
  }

  private static String indent(String text) {
    return text.replace("\n", "\n      ");
  }
}
