package org.daisyjava.launcher.progress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.config.ConfigException;
import org.daisyjava.launcher.config.ConfigLoader;

/**
 * {@code daisy-launch status [RUN_DIR|CONFIG] [--watch]}: the progress table of a run, running
 * or ended, read from its run directory ({@code status.json}, else {@code summary.json}); it
 * never talks to the launcher, so it works from any terminal that sees the run directory.
 *
 * <p>Exit code: that of the run — 0 finished with every block done, 1 finished with blocks failed
 * or orphaned, 3 failed (the cluster refused or lost it), 130 interrupted; 130 too for a run whose
 * status says running but whose launcher is gone (a launcher on this host whose pid no longer
 * exists: it was killed). A run still running exits 0 without {@code --watch}; with it, the
 * command follows the run until it ends and exits with the run's code. 2: no run there.
 */
public final class StatusCommand {
  static final String USAGE = "usage: daisy-launch status [RUN_DIR|CONFIG.yaml] [--watch]";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(500);
  private static final int SHOWN_FAILURES = 5;

  private StatusCommand() {}

  /**
   * @param terminal whether {@code out} is a terminal: {@code --watch} then redraws the table in
   *     place, else it prints one line per change
   */
  public static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
    boolean watch = false;
    String target = null;
    for (String a : args) {
      if (a.equals("--watch") || a.equals("-w")) {
        watch = true;
      } else if (a.equals("-h") || a.equals("--help")) {
        out.println(USAGE);
        out.println("Shows the progress table of a run from its run directory (a config file"
            + " names its run_dir). --watch follows the run until it ends.");
        return ExitCode.OK;
      } else if (a.startsWith("-")) {
        err.println("daisy-launch status: unknown option " + a);
        err.println(USAGE);
        return ExitCode.USAGE;
      } else if (target != null) {
        err.println("daisy-launch status: expected at most one RUN_DIR or CONFIG, got " + target + " and " + a);
        err.println(USAGE);
        return ExitCode.USAGE;
      } else {
        target = a;
      }
    }
    Path runDir;
    try {
      runDir = runDirOf(target == null ? "." : target);
    } catch (ConfigException e) {
      err.println("daisy-launch: " + e.getMessage());
      return ExitCode.USAGE;
    }
    View view = View.read(runDir);
    if (view == null) {
      err.println("daisy-launch status: no run in " + runDir + " (neither status.json nor summary.json)");
      return ExitCode.USAGE;
    }
    if (!watch) {
      printTable(out, view);
      return view.exitCode();
    }
    return follow(runDir, view, out, terminal);
  }

  /** A directory is the run directory; a file is a config whose run_dir is meant. */
  static Path runDirOf(String target) throws ConfigException {
    Path p = Path.of(target);
    if (Files.isRegularFile(p)) {
      return ConfigLoader.load(p).runDir();
    }
    return p;
  }

  private static int follow(Path runDir, View first, PrintStream out, boolean terminal) {
    View view = first;
    int drawn = 0;
    String lastLine = null;
    while (true) {
      if (terminal) {
        String table = table(view);
        StringBuilder b = new StringBuilder();
        if (drawn > 0) {
          b.append("\033[").append(drawn).append('A').append("\033[J");
        }
        b.append(table);
        out.print(b);
        out.flush();
        drawn = (int) table.chars().filter(c -> c == '\n').count();
      } else {
        String line = view.line();
        if (!line.equals(lastLine)) {
          out.println(Progress.lineTime() + " " + line);
          lastLine = line;
        }
      }
      if (view.ended()) {
        if (!terminal) {
          printTable(out, view);
        }
        return view.exitCode();
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return ExitCode.INTERRUPTED;
      }
      View next = View.read(runDir);
      if (next != null) {
        view = next;
      }
    }
  }

  static void printTable(PrintStream out, View view) {
    out.print(table(view));
    out.flush();
  }

  /** The header, one row per task, and the first failures; each line ends with a newline. */
  static String table(View v) {
    StringBuilder b = new StringBuilder();
    b.append("run ").append(v.runDir).append(": ").append(v.describeState());
    if (v.updated != null) {
      b.append(" (status of ").append(v.updated).append(')');
    }
    b.append('\n');
    int width = ColumnWidth.of("task", v.tasks.stream().map(TaskRow::name).toList());
    String row = "  %-" + width + "s %12s %12s %6s %10s %8s %9s %8s %8s %8s%n";
    b.append(String.format(row, "task", "total", "completed", "", "skipped", "failed", "orphaned",
        "retries", "running", "workers"));
    for (TaskRow t : v.tasks) {
      String percent = t.total == 0 ? "" : String.format("%5.1f%%", 100.0 * t.completed / t.total);
      b.append(String.format(row, t.name, t.total, t.completed, percent, t.skipped, t.failed,
          t.orphaned, t.retries, t.running < 0 ? "" : Long.toString(t.running),
          t.workers < 0 ? "" : Long.toString(t.workers)));
    }
    if (!v.failures.isEmpty()) {
      b.append("first failures:\n");
      int shown = 0;
      for (JsonNode f : v.failures) {
        if (shown++ == SHOWN_FAILURES) {
          b.append("  … (").append(v.failures.size() - SHOWN_FAILURES).append(" more in the run directory's JSON)\n");
          break;
        }
        b.append("  task ").append(f.path("task").asText());
        if (f.has("block_id")) {
          b.append(", block ").append(f.get("block_id").asLong());
        }
        JsonNode roi = f.get("write_roi");
        if (roi != null) {
          b.append(", write ROI offset ").append(tuple(roi.path("offset"))).append(" shape ")
              .append(tuple(roi.path("shape")));
        }
        b.append(": ").append(FirstLine.of(f.path("error").asText())).append('\n');
        if (f.has("worker")) {
          b.append("      on ").append(f.get("worker").asText()).append('\n');
        }
      }
    }
    return b.toString();
  }

  /** {@code [15,55]} as the summary writes coordinates: {@code (15, 55)}. */
  private static String tuple(JsonNode array) {
    List<String> parts = new ArrayList<>();
    array.forEach(v -> parts.add(v.asText()));
    return "(" + String.join(", ", parts) + ")";
  }

  /** One task's row. -1: not known (summary.json has no running/workers). */
  record TaskRow(String name, long total, long completed, long skipped, long failed, long orphaned,
      long retries, long running, long workers) {}

  /** What the run directory says about the run. */
  static final class View {
    final Path runDir;
    final RunState state;
    final String reason;
    final String updated;
    /** The launcher that wrote status.json, if it is on this host and gone. */
    final boolean launcherGone;
    final List<TaskRow> tasks;
    final List<JsonNode> failures;

    private View(Path runDir, RunState state, String reason, String updated, boolean launcherGone,
        List<TaskRow> tasks, List<JsonNode> failures) {
      this.runDir = runDir;
      this.state = state;
      this.reason = reason;
      this.updated = updated;
      this.launcherGone = launcherGone;
      this.tasks = tasks;
      this.failures = failures;
    }

    /** Reads status.json, else summary.json; null if there is neither (or neither is readable). */
    static View read(Path runDir) {
      for (String name : new String[] {"status.json", "summary.json"}) {
        Path file = runDir.resolve(name);
        if (!Files.isRegularFile(file)) {
          continue;
        }
        try {
          return parse(runDir, JSON.readTree(file.toFile()));
        } catch (IOException | RuntimeException e) {
          // being replaced right now (written atomically, so rare) or damaged: try the other
        }
      }
      return null;
    }

    static View parse(Path runDir, JsonNode root) {
      RunState state = RunState.fromJson(root.path("state").asText());
      if (state == null) {
        throw new IllegalArgumentException("no known state in " + root);
      }
      boolean gone = false;
      JsonNode launcher = root.get("launcher");
      if (state == RunState.RUNNING && launcher != null
          && LauncherIdentity.host().equals(launcher.path("host").asText())) {
        gone = ProcessHandle.of(launcher.path("pid").asLong(-1)).map(p -> !p.isAlive()).orElse(true);
      }
      List<TaskRow> tasks = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.path("tasks").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode t = e.getValue();
        tasks.add(new TaskRow(e.getKey(), t.path("total").asLong(), t.path("completed").asLong(),
            t.path("skipped").asLong(), t.path("failed").asLong(), t.path("orphaned").asLong(),
            t.path("retries").asLong(), t.path("running").asLong(-1), t.path("workers").asLong(-1)));
      }
      List<JsonNode> failures = new ArrayList<>();
      root.path("failures").forEach(failures::add);
      String updated = root.has("updated") ? age(root.get("updated").asText()) : null;
      return new View(runDir, state, root.has("reason") ? root.get("reason").asText() : null,
          updated, gone, List.copyOf(tasks), List.copyOf(failures));
    }

    private static String age(String instant) {
      try {
        long seconds = Duration.between(Instant.parse(instant), Instant.now()).toSeconds();
        return Progress.duration(Math.max(0, seconds)) + " ago";
      } catch (DateTimeParseException e) {
        return instant;
      }
    }

    boolean ended() {
      return state != RunState.RUNNING || launcherGone;
    }

    String describeState() {
      if (launcherGone) {
        return "running, but its launcher is gone (killed?): continue it with daisy-launch --resume";
      }
      return state.json() + (reason == null ? "" : ": " + reason);
    }

    /** One line for a log: state and each task's completed/total. */
    String line() {
      StringBuilder b = new StringBuilder(launcherGone ? "launcher gone" : state.json());
      for (TaskRow t : tasks) {
        b.append(" | ").append(t.name).append(' ').append(t.completed).append('/').append(t.total);
        if (t.failed > 0) {
          b.append(" failed ").append(t.failed);
        }
        if (t.orphaned > 0) {
          b.append(" orphaned ").append(t.orphaned);
        }
      }
      return b.toString();
    }

    int exitCode() {
      if (launcherGone) {
        return ExitCode.INTERRUPTED;
      }
      return switch (state) {
        case RUNNING -> ExitCode.OK;
        case FAILED -> ExitCode.CLUSTER;
        case INTERRUPTED -> ExitCode.INTERRUPTED;
        case FINISHED -> tasks.stream().allMatch(t -> t.completed == t.total)
            ? ExitCode.OK : ExitCode.BLOCKS_FAILED;
      };
    }
  }
}
