package org.daisyjava.launcher.progress;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Logger;
import org.daisyjava.launcher.observe.DocumentFile;
import org.daisyjava.launcher.observe.RunEnding;
import org.daisyjava.launcher.observe.RunListener;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSnapshot;
import org.daisyjava.scheduler.state.TaskCounts;

/**
 * Shows progress without flooding logs. On a terminal: one live line per task, redrawn in place
 * a few times a second. Elsewhere (a batch system's log file): one status line every
 * {@code status_interval}. Either way {@code status.json} is written atomically when the run
 * starts ({@link #start}) and whenever the run's counts change, at most once a second — so that
 * it tells the truth from the first second, and another terminal ({@code daisy-launch status})
 * can follow the run — and at least every {@code status_interval}, which says the launcher is
 * alive.
 */
public final class Progress implements RunListener {
  private static final Logger LOG = Logger.getLogger(Progress.class.getName());
  private static final long REDRAW_NANOS = 250_000_000L;
  /** status.json is rewritten at most this often. */
  private static final long STATUS_WRITE_NANOS = 1_000_000_000L;
  /** Rates are measured over this window. */
  private static final long RATE_WINDOW_NANOS = 10_000_000_000L;
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final PrintStream out;
  private final boolean terminal;
  private final boolean quiet;
  private final long statusNanos;
  private final Path statusFile;
  private final Function<String, String> backendStatus;
  private final java.util.function.LongSupplier clock;
  private final List<ArrayDeque<long[]>> samples = new ArrayList<>();
  private long lastRedraw;
  private long lastStatus;
  private long lastWrite;
  /** What the last status.json said (tasks, failures, drops), to write only on change. */
  private Object lastWritten;
  private int linesDrawn;

  /**
   * @param statusFile where status.json goes, or null (no run directory)
   * @param backendStatus a few words on a task's workers, from the backend
   */
  public Progress(PrintStream out, boolean terminal, boolean quiet, Duration statusInterval,
      Path statusFile, Function<String, String> backendStatus) {
    this(out, terminal, quiet, statusInterval, statusFile, backendStatus, System::nanoTime);
  }

  /** @param clock nanoseconds, {@code System::nanoTime}; tests step it by hand */
  Progress(PrintStream out, boolean terminal, boolean quiet, Duration statusInterval,
      Path statusFile, Function<String, String> backendStatus, java.util.function.LongSupplier clock) {
    this.clock = clock;
    this.out = out;
    this.terminal = terminal;
    this.quiet = quiet;
    this.statusNanos = statusInterval.toNanos();
    this.statusFile = statusFile;
    this.backendStatus = backendStatus;
    this.lastStatus = clock.getAsLong();
  }

  /** The first status.json: the run is running, nothing done yet (or what a resume skips). */
  public void start(ServerSnapshot s) {
    writeStatus(s, RunState.RUNNING, null, clock.getAsLong());
  }

  /** Called often by the launch loop; decides itself when to print. */
  public void tick(ServerSnapshot s) {
    long now = clock.getAsLong();
    sample(s, now);
    if (!quiet && terminal && now - lastRedraw >= REDRAW_NANOS) {
      lastRedraw = now;
      redraw(s, now);
    }
    boolean interval = now - lastStatus >= statusNanos;
    if (interval) {
      lastStatus = now;
      if (!quiet && !terminal) {
        out.println(statusLine(s, now));
      }
    }
    if (interval || (now - lastWrite >= STATUS_WRITE_NANOS && !content(s).equals(lastWritten))) {
      writeStatus(s, RunState.RUNNING, null, now);
    }
  }

  /** A tick of the run: see {@link #tick}. */
  @Override
  public void snapshot(ServerSnapshot s) {
    tick(s);
  }

  /** The last redraw and the final status.json. */
  @Override
  public void ended(ServerSnapshot last, RunEnding ending) {
    finish(last, ending.state(), ending.reason());
  }

  /** The last redraw (terminal) and the final status.json. */
  public void finish(ServerSnapshot s, String state) {
    finish(s, RunState.fromJson(state), null);
  }

  /**
   * The last redraw (terminal) and the final status.json.
   *
   * @param reason why a {@link RunState#FAILED} run could not go on, else null
   */
  public void finish(ServerSnapshot s, RunState state, String reason) {
    long now = clock.getAsLong();
    sample(s, now); // a run may end before its first tick (e.g. a resume of a finished run)
    if (!quiet && terminal) {
      redraw(s, now);
    }
    writeStatus(s, state, reason, now);
  }

  /** What status.json reports, without the time: equal when nothing changed. */
  private static Object content(ServerSnapshot s) {
    return List.of(s.tasks(), s.failures().size(), s.droppedMessages());
  }

  private void writeStatus(ServerSnapshot s, RunState state, String reason, long now) {
    lastWrite = now;
    lastWritten = content(s);
    if (statusFile == null) {
      return;
    }
    DocumentFile.replace(statusFile, RunReport.json(s, state, reason, true, java.util.Map.of()), LOG);
  }

  private void sample(ServerSnapshot s, long now) {
    while (samples.size() < s.tasks().size()) {
      samples.add(new ArrayDeque<>());
    }
    for (int t = 0; t < s.tasks().size(); t++) {
      ArrayDeque<long[]> q = samples.get(t);
      q.addLast(new long[] {now, s.tasks().get(t).counts().completed() - s.tasks().get(t).counts().skipped()});
      while (q.size() > 2 && now - q.peekFirst()[0] > RATE_WINDOW_NANOS) {
        q.pollFirst();
      }
    }
  }

  /** Blocks run per second over the last few seconds (skipped blocks do not count). */
  private double rate(int t) {
    ArrayDeque<long[]> q = samples.get(t);
    if (q.size() < 2) {
      return 0;
    }
    long[] a = q.peekFirst();
    long[] b = q.peekLast();
    double seconds = (b[0] - a[0]) / 1e9;
    return seconds <= 0 ? 0 : (b[1] - a[1]) / seconds;
  }

  private void redraw(ServerSnapshot s, long now) {
    StringBuilder b = new StringBuilder();
    if (linesDrawn > 0) {
      b.append("\033[").append(linesDrawn).append('A');
    }
    for (int t = 0; t < s.tasks().size(); t++) {
      b.append('\r').append(taskLine(s.tasks().get(t), rate(t))).append("\033[K\n");
    }
    linesDrawn = s.tasks().size();
    out.print(b);
    out.flush();
  }

  private String statusLine(ServerSnapshot s, long now) {
    StringBuilder b = new StringBuilder(lineTime());
    for (int t = 0; t < s.tasks().size(); t++) {
      b.append(" | ").append(taskLine(s.tasks().get(t), rate(t)));
    }
    return b.toString();
  }

  private String taskLine(TaskSnapshot t, double rate) {
    TaskCounts c = t.counts();
    long done = c.completed();
    StringBuilder b = new StringBuilder();
    b.append(t.name()).append(' ').append(done).append('/').append(c.total());
    if (c.total() > 0) {
      b.append(String.format(" %3.0f%%", 100.0 * done / c.total()));
    }
    if (c.finished()) {
      b.append(" done");
    } else {
      b.append(String.format(" %.1f/s", rate));
      long left = c.total() - done - c.failed() - c.orphaned();
      if (rate > 0) {
        b.append(" ETA ").append(duration((long) (left / rate)));
      }
    }
    if (c.skipped() > 0) {
      b.append(" skipped ").append(c.skipped());
    }
    if (c.failed() > 0) {
      b.append(" failed ").append(c.failed());
    }
    if (c.orphaned() > 0) {
      b.append(" orphaned ").append(c.orphaned());
    }
    if (c.retries() > 0) {
      b.append(" retries ").append(c.retries());
    }
    String workers = backendStatus.apply(t.name());
    if (!c.finished() && workers != null && !workers.isEmpty()) {
      b.append(" [").append(workers).append(']');
    }
    if (!c.finished() && t.slots() > t.workers()) {
      // workers with several slots: how many blocks can run at once (one-slot runs: as many as workers)
      b.append(" slots ").append(t.slots());
    }
    return b.toString();
  }

  /**
   * The local time, to the second, that begins a status line in a log: the launcher's lines in a
   * batch system's log, and those of {@code daisy-launch status --watch} without a terminal.
   */
  static String lineTime() {
    return LocalDateTime.now().format(CLOCK);
  }

  /** {@code 45s}, {@code 3m05s}, {@code 2h07m}. */
  public static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return String.format("%dm%02ds", seconds / 60, seconds % 60);
    }
    return String.format("%dh%02dm", seconds / 3600, seconds / 60 % 60);
  }
}
