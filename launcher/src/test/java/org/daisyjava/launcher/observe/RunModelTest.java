package org.daisyjava.launcher.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.daisyjava.core.Roi;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.core.Fit;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.launcher.observe.RunModel.WorkerView;
import org.daisyjava.scheduler.server.ServerObserver;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSnapshot;
import org.daisyjava.scheduler.state.TaskCounts;
import org.junit.jupiter.api.Test;

/** The run model's bounds on long runs and the accuracy of its percentiles (no scheduler). */
class RunModelTest {
  private static final long SECOND = 1_000_000_000L;

  private static DependencyGraph graph(long blocks) {
    return DependencyGraph.of(List.of(new TaskGeometry("t", Roi.of(new long[] {0}, new long[] {blocks * 10}),
        Roi.of(new long[] {0}, new long[] {10}), Roi.of(new long[] {0}, new long[] {10}), Fit.VALID, false, List.of())));
  }

  private static ServerSnapshot snapshot(long at, long total, long completed) {
    TaskCounts c = new TaskCounts(total, completed, 0, 0, 0, 0, 1, 0, completed == total);
    return new ServerSnapshot(at, List.of(new TaskSnapshot("t", c, true, 1, 0, 0, null)), List.of(), 0,
        completed == total, false);
  }

  @Test
  void aWeekLongRunKeepsItsProgressEventsAndTimeSeriesSmall() {
    long total = 604_800;
    RunModel m = new RunModel(new RunModel.RunInfo("long", null, "local", graph(total)), 0);
    int progress = 0;
    // a tick every second for a week, one block done per second
    for (long s = 1; s <= total; s++) {
      for (RunEvent e : m.tick(snapshot(s * SECOND, total, s))) {
        if (e instanceof RunEvent.TaskProgress) {
          progress++;
        }
      }
    }
    // at most every max(1 s, run time / 1000): 1000 in the first 1000 s, then ~1000 per e-fold
    assertTrue(progress <= 1000 + 1000 * Math.log(total / 1000.0) + 10, progress + " progress events");
    assertTrue(progress > 1000, progress + " progress events");
    assertTrue(m.series(0)[0].length <= TimeSeries.MAX_POINTS, m.series(0)[0].length + " points");
    assertTrue(m.series(0)[0].length >= TimeSeries.MAX_POINTS / 2, m.series(0)[0].length + " points");
  }

  @Test
  void workersReportTheirUsageFromAnyHostButAThreadOfThisJvmDoesNot() throws Exception {
    RunModel m = new RunModel(new RunModel.RunInfo("usage", null, "slurm", graph(4)), 0);
    ServerObserver o = m.observer();
    String here = java.net.InetAddress.getLocalHost().getHostName();
    long self = ProcessHandle.current().pid();
    o.workerJoined(1, 0, "node7:4242", "node7", 4242, "123_1", null);
    o.workerJoined(2, 0, here + ":" + self, here, self, null, null);
    o.workerUsage(1, 1500, 70_000);
    o.workerUsage(1, 900, 60_000); // an older figure arriving late: usage only grows
    o.workerUsage(2, 1500, 70_000);
    o.workerLeft(1, 0, "left (no more blocks)", false);
    WorkerView remote = m.workers().get(0);
    assertEquals(1.5, remote.cpuSeconds(), 1e-9);
    assertEquals(70_000L * 1024, remote.peakRssBytes());
    WorkerView thread = m.workers().get(1);
    assertTrue(thread.cpuSeconds() < 0 && thread.peakRssBytes() < 0, "unknown, not the launcher's: " + thread);
  }

  @Test
  void percentilesAreWithinTheHistogramsResolution() {
    DurationHistogram h = new DurationHistogram();
    SplittableRandom r = new SplittableRandom(1);
    long[] values = new long[100_000];
    for (int i = 0; i < values.length; i++) {
      values[i] = 1_000_000 + r.nextLong(99_000_000); // 1 ms to 100 ms
      h.add(values[i]);
    }
    java.util.Arrays.sort(values);
    for (double q : new double[] {0.5, 0.9, 0.99}) {
      double exact = values[(int) Math.ceil(q * values.length) - 1];
      assertEquals(exact, h.quantile(q), exact * 0.02, "q" + q);
    }
    assertEquals(values[values.length - 1], h.maxNanos());
    assertEquals(values[0], h.minNanos());
  }
}
