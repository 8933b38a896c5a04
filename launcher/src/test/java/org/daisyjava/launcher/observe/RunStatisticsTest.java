package org.daisyjava.launcher.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.daisyjava.core.Roi;
import org.daisyjava.launcher.Daisy;
import org.daisyjava.launcher.RunResult;
import org.daisyjava.launcher.Task;
import org.daisyjava.launcher.observe.RunModel.TaskView;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Statistics of real runs (worker threads through the real scheduler): blocks that sleep a known
 * time are reported with that duration, and blocks that get slower give a positive trend.
 */
@Timeout(300)
class RunStatisticsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Captures the model and the final state. */
  static final class Capture implements RunListener {
    RunModel model;
    String state;
    int snapshots;

    @Override
    public void started(RunModel run) {
      model = run;
    }

    @Override
    public void snapshot(ServerSnapshot s) {
      snapshots++;
    }

    @Override
    public void ended(ServerSnapshot last, RunEnding ending) {
      state = ending.state().json();
    }
  }

  private static Task sleeping(String name, int blocks, int workers, java.util.function.LongUnaryOperator millis) {
    return Task.builder(name)
        .totalRoi(Roi.of(new long[] {0}, new long[] {blocks * 10L}))
        .readRoi(Roi.of(new long[] {0}, new long[] {10}))
        .writeRoi(Roi.of(new long[] {0}, new long[] {10}))
        .numWorkers(workers)
        .process(block -> Thread.sleep(millis.applyAsLong(block.id())))
        .build();
  }

  @Test
  void blocksSleeping10_20And30MillisecondsAreReportedWithThoseDurations(@TempDir Path dir) throws Exception {
    Capture capture = new Capture();
    List<Task> tasks = List.of(sleeping("ten", 60, 2, id -> 10), sleeping("twenty", 40, 2, id -> 20),
        sleeping("thirty", 30, 2, id -> 30));
    RunResult r = Daisy.run(tasks, Daisy.Options.defaults().withRunDir(dir.resolve("run")).withListener(capture));
    assertTrue(r.succeeded(), r.toString());
    assertEquals("finished", capture.state);
    assertTrue(capture.snapshots > 0);
    long[] sleeps = {10, 20, 30};
    List<TaskView> views = capture.model.tasks();
    JsonNode stats = JSON.readTree(Files.readString(dir.resolve("run/summary.json"))).get("statistics");
    for (int i = 0; i < 3; i++) {
      TaskView t = views.get(i);
      double s = sleeps[i];
      assertEquals(t.counts().total(), t.blocksRun(), t.name());
      // a duration is measured by the scheduler between two releases: it cannot be much below the
      // sleep (message jitter) and on a loaded machine it may be well above it
      assertTrue(t.p50Millis() >= 0.8 * s && t.p50Millis() <= 3 * s + 20, t.name() + " p50 " + t.p50Millis());
      assertTrue(t.p50Millis() <= t.p90Millis() && t.p90Millis() <= t.p99Millis() && t.p99Millis() <= t.maxMillis(),
          t.toString());
      assertTrue(t.maxMillis() >= s, t.toString());
      JsonNode js = stats.get("tasks").get(t.name());
      assertEquals(t.blocksRun(), js.get("blocks_run").asLong());
      assertEquals(t.p50Millis(), js.get("duration_ms").get("p50").asDouble(), 0.01);
      // two serial workers: at most two blocks run at once (prefetched ones do not count)
      assertTrue(t.maxConcurrency() >= 1 && t.maxConcurrency() <= 2, t.toString());
      assertTrue(t.meanConcurrency() > 0 && t.meanConcurrency() <= 2, t.toString());
    }
    assertTrue(views.get(0).p50Millis() < views.get(2).p50Millis(), views.toString());
    // every block was run by one of the workers, and each worker was busy part of its life
    long byWorkers = 0;
    for (JsonNode w : stats.get("workers")) {
      byWorkers += w.get("blocks").asLong();
      double busy = w.get("busy_fraction").asDouble();
      assertTrue(busy >= 0 && busy <= 1, w.toString());
    }
    assertEquals(130, byWorkers, stats.toString());
  }

  @Test
  void blocksThatGetSlowerGiveAPositiveTrend(@TempDir Path dir) throws Exception {
    Capture capture = new Capture();
    AtomicInteger done = new AtomicInteger();
    // one worker; the n-th block to run sleeps 2 + n ms: durations grow steadily over the run
    Task slower = sleeping("slower", 50, 1, id -> 2 + done.getAndIncrement());
    RunResult r = Daisy.run(List.of(slower), Daisy.Options.defaults().withRunDir(dir.resolve("run")).withListener(capture));
    assertTrue(r.succeeded(), r.toString());
    TaskView t = capture.model.tasks().get(0);
    assertTrue(t.trendMillisPerMinute() > 0, t.toString());
    JsonNode stats = JSON.readTree(Files.readString(dir.resolve("run/summary.json"))).get("statistics");
    assertTrue(stats.get("tasks").get("slower").get("trend_ms_per_min").asDouble() > 0, stats.toString());
  }
}
