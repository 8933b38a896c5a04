package org.daisyjava.launcher.progress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.daisyjava.launcher.observe.DocumentJson;
import org.daisyjava.launcher.observe.RoiJson;
import org.daisyjava.launcher.observe.TaskCountsJson;
import org.daisyjava.scheduler.server.PeerCounts;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSnapshot;
import org.daisyjava.scheduler.state.Failure;
import org.daisyjava.scheduler.state.TaskCounts;

/**
 * The {@code status.json} / {@code summary.json} documents of the contract. A task's counts and a
 * failure's write_roi read as in the other documents of the run ({@code TaskCountsJson},
 * {@code RoiJson}).
 */
public final class RunReport {
  private RunReport() {}

  /**
   * {@code {"state":…,"tasks":{name:{total,completed,skipped,failed,orphaned,retries}}}}, plus
   * {@code running} per task while the run goes on, the first failures, and {@code peers} (counts
   * of dropped and refused messages) when a peer misbehaved.
   */
  public static String json(ServerSnapshot snapshot, String state, boolean live) {
    RunState known = RunState.fromJson(state);
    if (known == null) {
      throw new IllegalArgumentException("unknown run state '" + state + "'");
    }
    return json(snapshot, known, null, live, Map.of());
  }

  /**
   * The document for a run in {@code state}.
   *
   * @param reason why a {@link RunState#FAILED} run could not go on (first line of the error),
   *     else null
   * @param live true for {@code status.json}: also blocks running and workers per task, when it
   *     was written and by which launcher (host, pid), so that {@code daisy-launch status} can
   *     tell a run whose launcher died from one that is running
   * @param losses per task that lost workers: how its lost jobs ended, as {@code worker_losses}
   *     ({@code "2 x TIMEOUT — raise slurm.time (now 00:01:00)"})
   */
  public static String json(ServerSnapshot snapshot, RunState state, String reason, boolean live,
      Map<String, List<String>> losses) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("state", state.json());
    if (reason != null) {
      root.put("reason", reason);
    }
    if (live) {
      root.put("updated", java.time.Instant.now().toString());
      Map<String, Object> launcher = new LinkedHashMap<>();
      launcher.put("host", LauncherIdentity.host());
      launcher.put("pid", ProcessHandle.current().pid());
      root.put("launcher", launcher);
    }
    Map<String, Object> tasks = new LinkedHashMap<>();
    for (TaskSnapshot t : snapshot.tasks()) {
      TaskCounts c = t.counts();
      Map<String, Object> m = new LinkedHashMap<>();
      if (live) {
        TaskCountsJson.putCountsAndRunning(m, c);
        m.put("workers", t.workers());
        m.put("slots", t.slots());
      } else {
        TaskCountsJson.putCounts(m, c);
      }
      if (losses.containsKey(t.name())) {
        m.put("worker_losses", losses.get(t.name()));
      }
      tasks.put(t.name(), m);
    }
    root.put("tasks", tasks);
    List<Map<String, Object>> failures = new ArrayList<>();
    for (Failure f : snapshot.failures()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("task", f.task());
      if (f.blockId() >= 0) {
        m.put("block_id", f.blockId());
        m.put("attempts", f.attempts());
      }
      if (f.writeRoi() != null) {
        m.put("write_roi", RoiJson.of(f.writeRoi()));
      }
      m.put("error", f.error());
      if (f.source() != null) {
        m.put("worker", f.source());
      }
      failures.add(m);
    }
    if (!failures.isEmpty()) {
      root.put("failures", failures);
    }
    PeerCounts p = snapshot.peers();
    if (!p.equals(PeerCounts.NONE)) { // what misbehaving peers cost (PROTOCOL.md, "Limits")
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("dropped_messages", p.droppedMessages());
      m.put("refused_handshakes", p.refusedHandshakes());
      m.put("refused_hellos", p.refusedHellos());
      m.put("ignored_peers", p.ignoredPeers());
      root.put("peers", m);
    }
    return DocumentJson.write(root) + "\n";
  }
}
