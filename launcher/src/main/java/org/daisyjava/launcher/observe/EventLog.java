package org.daisyjava.launcher.observe;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;
import org.daisyjava.scheduler.server.ServerSnapshot;

/**
 * Writes {@code run_dir/events.jsonl}: one JSON object per line, appended (a resumed run
 * continues the file), flushed after every tick. Every line has {@code time} (ISO-8601 UTC) and
 * {@code event}, one of:
 *
 * <ul>
 *   <li>{@code run_started} name, run_dir, backend, tasks, total_blocks; {@code run_ended} state,
 *       seconds
 *   <li>{@code task_started} task; {@code task_progress} and {@code task_finished} task and its
 *       counts (total, completed, skipped, failed, orphaned, retries, running), progress also
 *       blocks_per_second
 *   <li>{@code block_failed} task, block_id, write_roi {offset, shape}, attempt, retry (true if
 *       queued again), error, worker {id, task, host, name, job, log}
 *   <li>{@code worker_joined}, {@code worker_left} (in order) and {@code worker_lost} worker,
 *       and for the last two reason and blocks_done
 *   <li>{@code events_dropped} count: events the observer could not queue;
 *       {@code failures_not_logged} count (at run end): block failures beyond the cap below
 * </ul>
 *
 * <p>The counts, ROIs and workers read as in the run's other documents: {@link TaskCountsJson},
 * {@link RoiJson} and {@link WorkerJson} write them for all.
 *
 * <p>Bounded on long runs: progress comes at most every max(1 s, run time / 1000) per task (see
 * {@link RunModel#tick}); error texts are cut at {@value #MAX_ERROR} characters; after
 * {@value #MAX_FAILURES} block failures further ones are only counted (the summary and the
 * checkpoint log have the full story). A failure to write is logged once and the run goes on.
 */
public final class EventLog implements RunListener, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EventLog.class.getName());
  static final int MAX_ERROR = 4000;
  static final long MAX_FAILURES = 100_000;
  /** Job ids listed in one jobs_cancelled line (its count says how many there were). */
  static final int MAX_JOB_IDS = 100;
  private final Path file;
  private BufferedWriter out;
  private long failures;
  private boolean broken;

  public EventLog(Path file) {
    this.file = file;
  }

  @Override
  public void event(RunEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", Instant.ofEpochMilli(e.atMillis()).toString());
    if (e instanceof RunEvent.RunStarted r) {
      m.put("event", "run_started");
      m.put("name", r.name());
      m.put("run_dir", r.runDir());
      m.put("backend", r.backend());
      m.put("tasks", r.tasks());
      m.put("total_blocks", r.totalBlocks());
    } else if (e instanceof RunEvent.RunEnded r) {
      m.put("event", "run_ended");
      m.put("state", r.state());
      m.put("seconds", JsonDecimals.thousandths(r.seconds()));
    } else if (e instanceof RunEvent.TaskStarted t) {
      m.put("event", "task_started");
      m.put("task", t.task());
    } else if (e instanceof RunEvent.TaskProgress t) {
      m.put("event", "task_progress");
      m.put("task", t.task());
      TaskCountsJson.putCountsAndRunning(m, t.counts());
      m.put("blocks_per_second", JsonDecimals.tenths(t.blocksPerSecond()));
    } else if (e instanceof RunEvent.TaskFinished t) {
      m.put("event", "task_finished");
      m.put("task", t.task());
      TaskCountsJson.putCountsAndRunning(m, t.counts());
    } else if (e instanceof RunEvent.BlockFailed f) {
      if (++failures > MAX_FAILURES) {
        return;
      }
      m.put("event", "block_failed");
      m.put("task", f.task());
      m.put("block_id", f.blockId());
      m.put("write_roi", RoiJson.of(f.writeRoi()));
      m.put("attempt", f.attempt());
      m.put("retry", f.retry());
      m.put("error", cut(f.error()));
      if (f.worker() != null) {
        m.put("worker", WorkerJson.ofEvent(f.worker()));
      }
    } else if (e instanceof RunEvent.WorkerJoined w) {
      m.put("event", "worker_joined");
      m.put("worker", WorkerJson.ofEvent(w.worker()));
    } else if (e instanceof RunEvent.WorkerLeft w) {
      m.put("event", w.lost() ? "worker_lost" : "worker_left");
      m.put("worker", WorkerJson.ofEvent(w.worker()));
      m.put("reason", w.reason());
      m.put("blocks_done", w.blocksDone());
    } else if (e instanceof RunEvent.JobsSubmitted j) {
      m.put("event", "jobs_submitted");
      m.put("task", j.task());
      m.put("job", j.job());
      m.put("workers", j.workers());
    } else if (e instanceof RunEvent.JobsCancelled j) {
      m.put("event", "jobs_cancelled");
      if (j.task() != null) {
        m.put("task", j.task());
      }
      m.put("count", j.jobs().size());
      m.put("jobs", j.jobs().size() <= MAX_JOB_IDS ? j.jobs() : j.jobs().subList(0, MAX_JOB_IDS));
    } else if (e instanceof RunEvent.EventsDropped d) { // the interface is sealed: nothing else
      m.put("event", "events_dropped");
      m.put("count", d.count());
    }
    write(m);
  }

  @Override
  public void snapshot(ServerSnapshot s) {
    flush();
  }

  @Override
  public void ended(ServerSnapshot last, RunEnding ending) {
    if (failures > MAX_FAILURES) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("time", Instant.now().toString());
      m.put("event", "failures_not_logged");
      m.put("count", failures - MAX_FAILURES);
      write(m);
    }
    flush();
  }

  private static String cut(String s) {
    return s == null || s.length() <= MAX_ERROR ? s : s.substring(0, MAX_ERROR) + " …";
  }

  private void write(Map<String, Object> m) {
    if (broken) {
      return;
    }
    try {
      if (out == null) {
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
      out.write(DocumentJson.write(m));
      out.write('\n');
    } catch (IOException e) {
      fail(e);
    }
  }

  private void flush() {
    if (out != null && !broken) {
      try {
        out.flush();
      } catch (IOException e) {
        fail(e);
      }
    }
  }

  private void fail(IOException e) {
    broken = true;
    LOG.warning("cannot write " + file + " (no more events are written): " + e.getMessage());
  }

  @Override
  public void close() {
    flush();
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        LOG.warning("cannot close " + file + ": " + e.getMessage());
      }
      out = null;
    }
  }
}
