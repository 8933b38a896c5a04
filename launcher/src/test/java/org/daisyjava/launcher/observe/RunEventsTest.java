package org.daisyjava.launcher.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.daisyjava.core.Fit;
import org.daisyjava.core.Roi;
import org.daisyjava.launcher.progress.RunState;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.daisyjava.scheduler.server.TaskSnapshot;
import org.daisyjava.scheduler.state.TaskCounts;
import org.junit.jupiter.api.Test;

/**
 * Listeners see run_started first even when a backend reports jobs before it (the launcher starts
 * its workers before it writes its first documents), and a run that ends without having started
 * still reports everything, in order.
 */
class RunEventsTest {
  private static RunEvents events(List<String> seen) {
    DependencyGraph graph = DependencyGraph.of(List.of(new TaskGeometry("t", Roi.of(new long[] {0}, new long[] {40}),
        Roi.of(new long[] {0}, new long[] {10}), Roi.of(new long[] {0}, new long[] {10}), Fit.VALID, false, List.of())));
    RunListener recorder = new RunListener() {
      @Override
      public void event(RunEvent e) {
        seen.add(e.getClass().getSimpleName());
      }
    };
    return new RunEvents(new RunModel(new RunModel.RunInfo("r", null, "slurm", graph), 0), List.of(recorder), 0);
  }

  private static ServerSnapshot snapshot() {
    TaskCounts c = new TaskCounts(4, 0, 0, 0, 0, 0, 4, 0, false);
    return new ServerSnapshot(1, List.of(new TaskSnapshot("t", c, true, 0, 0, 0, null)), List.of(), 0, false, false);
  }

  @Test
  void jobsReportedBeforeTheRunStartedFollowRunStarted() {
    List<String> seen = new ArrayList<>();
    RunEvents run = events(seen);
    run.jobsSubmitted("t", "123", 4);
    assertEquals(List.of(), seen, "held until run_started");
    run.started();
    run.jobsSubmitted("t", "124", 4);
    assertEquals(List.of("RunStarted", "JobsSubmitted", "JobsSubmitted"), seen);
  }

  @Test
  void aRunEndingBeforeItStartedStillReportsWhatHappened() {
    List<String> seen = new ArrayList<>();
    RunEvents run = events(seen);
    run.jobsSubmitted("t", "123", 4);
    run.ended(snapshot(), new RunEnding(RunState.FAILED, "no port", Map.of(), 0));
    assertEquals("JobsSubmitted", seen.get(0), seen.toString());
    assertEquals("RunEnded", seen.get(seen.size() - 1), seen.toString());
  }
}
