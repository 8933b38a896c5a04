package org.daisyjava.launcher.observe;

import java.util.LinkedHashMap;
import java.util.Map;
import org.daisyjava.launcher.observe.RunEvent.WorkerRef;
import org.daisyjava.launcher.observe.RunModel.WorkerView;

/**
 * A worker as the run's JSON documents name it. An event names the worker in a member of its own,
 * with the name the worker gave itself in its hello; the statistics in {@code summary.json} and
 * the page's document list workers, and each entry begins with who the worker is (without that
 * name, which the id, host and job already say), then what it did: blocks done, blocks failed and
 * the fraction of its time it held a block; and, further on, what its processes used.
 */
public final class WorkerJson {
  private WorkerJson() {}

  /** events.jsonl's {@code worker}: {@code {id, task, host, name, job, log}}. */
  public static Map<String, Object> ofEvent(WorkerRef w) {
    Map<String, Object> m = new LinkedHashMap<>();
    put(m, w, true);
    return m;
  }

  /** The start of a worker's entry in a list of workers: id, task, host, job and log. */
  public static void putIdentity(Map<String, Object> m, WorkerRef w) {
    put(m, w, false);
  }

  /** What the worker did: {@code blocks}, {@code failed}, {@code busy_fraction} (thousandths). */
  public static void putWork(Map<String, Object> m, WorkerView w) {
    m.put("blocks", w.blocksDone());
    m.put("failed", w.blocksFailed());
    m.put("busy_fraction", JsonDecimals.thousandths(w.busyFraction()));
  }

  /**
   * What the worker's processes used: {@code cpu_seconds} (thousandths) and {@code
   * peak_rss_bytes}, each null while unknown (see {@link RunModel#processUsage}).
   */
  public static void putUsage(Map<String, Object> m, WorkerView w) {
    m.put("cpu_seconds", w.cpuSeconds() < 0 ? null : JsonDecimals.thousandths(w.cpuSeconds()));
    m.put("peak_rss_bytes", w.peakRssBytes() < 0 ? null : w.peakRssBytes());
  }

  private static void put(Map<String, Object> m, WorkerRef w, boolean withName) {
    m.put("id", w.id());
    m.put("task", w.task());
    m.put("host", w.host());
    if (withName) {
      m.put("name", w.name());
    }
    m.put("job", w.job());
    m.put("log", w.log());
  }
}
