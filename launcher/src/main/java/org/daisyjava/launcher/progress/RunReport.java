package org.daisyjava.launcher.progress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.daisyjava.scheduler.server.PeerCounts;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSnapshot;
import org.daisyjava.scheduler.state.Failure;
import org.daisyjava.scheduler.state.TaskCounts;

/** The {@code status.json} / {@code summary.json} documents of the contract. */
public final class RunReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunReport() {}

  /**
   * {@code {"state":…,"tasks":{name:{total,completed,skipped,failed,orphaned,retries}}}}, plus
   * {@code running} per task while the run goes on, the first failures, and {@code peers} (counts
   * of dropped and refused messages) when a peer misbehaved.
   */
  public static String json(ServerSnapshot snapshot, String state, boolean live) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("state", state);
    Map<String, Object> tasks = new LinkedHashMap<>();
    for (TaskSnapshot t : snapshot.tasks()) {
      TaskCounts c = t.counts();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("total", c.total());
      m.put("completed", c.completed());
      m.put("skipped", c.skipped());
      m.put("failed", c.failed());
      m.put("orphaned", c.orphaned());
      m.put("retries", c.retries());
      if (live) {
        m.put("running", c.running());
        m.put("workers", t.workers());
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
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e); // maps of strings and numbers always serialise
    }
  }
}
