package org.daisyjava.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.Roi;
import org.daisyjava.launcher.config.SchedulerSettings.Encryption;
import org.daisyjava.launcher.run.WorkerKeys;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.core.Fit;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.scheduler.server.CheckpointRecorder;
import org.daisyjava.scheduler.server.SchedulerServer;
import org.daisyjava.scheduler.server.ServerSettings;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSettings;
import org.daisyjava.scheduler.state.SchedulingState;
import org.daisyjava.scheduler.state.TaskCounts;

/**
 * The scheduler side of {@link LoadGen}, in a JVM of its own so that its CPU time and RSS are
 * its own and not the simulated workers': a real {@link SchedulerServer} with CURVE, the durable
 * checkpoint log and one 3-D task with conflicts of {@code edge³} no-op blocks, exactly as a run
 * of {@code daisy-launch} builds it (minus the launcher's observers).
 *
 * <p>Talks to its parent on stdout, one {@code key value...} line each: {@code port}, {@code
 * connected} (wall-clock ms when every expected worker had a session), then {@code result} at
 * the end. Steady blocks/s is measured between the later of "10 % done" and "all connected" and
 * 90 % done, from the server's snapshot (what the durable log has counted, not what was sent).
 *
 * <p>Arguments: {@code DIR EDGE EXPECTED_WORKERS HEARTBEAT_MS LIVENESS}; {@code
 * -Dloadgen.plain=true}: without CURVE (loopback), to tell the handshakes' cost from the rest;
 * {@code -Dloadgen.unsized=true}: the server is not told how many workers to expect (the
 * backlog and heartbeat of a run of unknown size, as before they were sized).
 */
public final class LoadScheduler {
  private LoadScheduler() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int edge = Integer.parseInt(args[1]);
    int expected = Integer.parseInt(args[2]);
    long heartbeatMs = Long.parseLong(args[3]);
    int liveness = Integer.parseInt(args[4]);
    long w = 16;
    long c = 4;
    long side = edge * w + 2 * c;
    TaskGeometry geometry = new TaskGeometry("bench",
        Roi.of(new long[] {0, 0, 0}, new long[] {side, side, side}),
        Roi.of(new long[] {-c, -c, -c}, new long[] {w + 2 * c, w + 2 * c, w + 2 * c}),
        Roi.of(new long[] {0, 0, 0}, new long[] {w, w, w}), Fit.VALID, true, List.of());
    DependencyGraph graph = DependencyGraph.of(List.of(geometry));
    long total = graph.totalBlocks();
    SchedulingState state = new SchedulingState(graph, new int[] {0}, null);
    CheckpointRecorder log = CheckpointRecorder.create(dir.resolve("checkpoint.log"), "loadgen".getBytes());
    WorkerKeys keys = WorkerKeys.generate(
        Boolean.getBoolean("loadgen.plain") ? Encryption.OFF : Encryption.CURVE);
    Path keyFile = dir.resolve("worker.key");
    Files.writeString(keyFile, keys.workerFileText());
    SchedulerServer server = new SchedulerServer(state, new ServerSettings("127.0.0.1", 0, 0,
        Duration.ofMillis(heartbeatMs), liveness, keys.server(), dir.toString(),
        List.of(new TaskSettings(BlockCode.of(BlockCode.Kind.BUILTIN, "noop"), null, null)),
        Boolean.getBoolean("loadgen.unsized") ? 0 : expected), log);
    log.attach(server);
    int port = server.start();
    System.out.println("port " + port + " " + total);
    System.out.flush();

    long tLow = 0;
    long doneLow = 0;
    long tHigh = 0;
    long doneHigh = 0;
    long connectedAt = 0;
    int maxWorkers = 0;
    long maxSnapshotAge = 0;
    ServerSnapshot s;
    while (true) {
      s = server.snapshot();
      int workers = s.tasks().get(0).workers();
      maxWorkers = Math.max(maxWorkers, workers);
      TaskCounts counts = s.tasks().get(0).counts();
      long done = counts.completed();
      long now = System.nanoTime();
      maxSnapshotAge = Math.max(maxSnapshotAge, now - s.takenAtNanos());
      if (connectedAt == 0 && workers >= expected) {
        connectedAt = System.currentTimeMillis();
        System.out.println("connected " + connectedAt);
        System.out.flush();
      }
      if (tLow == 0 && done >= total / 10 && (connectedAt != 0 || done >= total / 2)) {
        tLow = now;
        doneLow = done;
      }
      if (tHigh == 0 && done >= total * 9 / 10) {
        tHigh = now;
        doneHigh = done;
      }
      if (counts.finished()) {
        break;
      }
      Thread.sleep(5);
    }
    // the workers leave after no_more_blocks; wait for them so the lost count is final
    long leaveDeadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    // (those that connect after the end still get no_more_blocks: wait until all came, or 20 s)
    while ((server.snapshot().tasks().get(0).workers() > 0 || connectedAt == 0)
        && System.nanoTime() < leaveDeadline) {
      if (connectedAt == 0 && server.snapshot().tasks().get(0).workers() >= expected) {
        connectedAt = System.currentTimeMillis();
        System.out.println("connected " + connectedAt);
      }
      Thread.sleep(20);
    }
    s = server.snapshot();
    double steady = tHigh > tLow && tLow != 0 ? (doneHigh - doneLow) / ((tHigh - tLow) / 1e9) : 0;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long loopCpu = 0;
    long ioCpu = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long cpu = Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      if (info.getThreadName().equals("daisy-scheduler")) {
        loopCpu += cpu;
      } else if (info.getThreadName().startsWith("iothread") || info.getThreadName().contains("reaper")) {
        ioCpu += cpu;
      }
    }
    long processCpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
    server.close();
    log.close();
    System.out.printf("result steady=%.0f total=%d lost=%d workers_left=%d max_workers=%d"
        + " refused_handshakes=%d refused_hellos=%d dropped=%d ignored=%d failed=%d"
        + " loop_cpu_ms=%d io_cpu_ms=%d process_cpu_ms=%d rss_kb=%d hwm_kb=%d max_snapshot_age_ms=%d%n",
        steady, total, s.tasks().get(0).workersLost(), s.tasks().get(0).workers(), maxWorkers,
        s.peers().refusedHandshakes(), s.peers().refusedHellos(), s.peers().droppedMessages(),
        s.peers().ignoredPeers(), s.failures().size(), loopCpu / 1_000_000, ioCpu / 1_000_000,
        processCpu / 1_000_000, status("VmRSS"), status("VmHWM"), maxSnapshotAge / 1_000_000);
    System.out.flush();
    System.exit(0);
  }

  /** A field of /proc/self/status in kB (-1 where there is no such file). */
  static long status(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
