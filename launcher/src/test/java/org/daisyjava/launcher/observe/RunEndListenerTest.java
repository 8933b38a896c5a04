package org.daisyjava.launcher.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.daisyjava.core.Fit;
import org.daisyjava.core.Roi;
import org.daisyjava.launcher.progress.RunState;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.scheduler.server.ServerSnapshot;
import org.junit.jupiter.api.Test;

/** A {@link RunEndListener} works once at the end, from the model of the start, and only after a start. */
class RunEndListenerTest {
  private static final RunEnding FINISHED = new RunEnding(RunState.FINISHED, null, Map.of(), 3);
  private static final ServerSnapshot LAST = new ServerSnapshot(0, List.of(), List.of(), 0, true, false);

  /** Records what it was given at the end. */
  static final class Recorder extends RunEndListener {
    final List<RunModel> models = new ArrayList<>();
    final List<RunEnding> endings = new ArrayList<>();

    @Override
    protected void ended(RunModel model, RunEnding ending) {
      models.add(model);
      endings.add(ending);
    }
  }

  private static RunModel model() {
    DependencyGraph graph = DependencyGraph.of(List.of(new TaskGeometry("t", Roi.of(new long[] {0}, new long[] {100}),
        Roi.of(new long[] {0}, new long[] {10}), Roi.of(new long[] {0}, new long[] {10}), Fit.VALID, false, List.of())));
    return new RunModel(new RunModel.RunInfo("end", null, "local", graph), 0);
  }

  @Test
  void theEndGetsTheModelOfTheStart() {
    Recorder r = new Recorder();
    RunModel model = model();
    r.started(model);
    r.snapshot(LAST);
    r.ended(LAST, FINISHED);
    assertEquals(1, r.models.size());
    assertSame(model, r.models.get(0));
    assertSame(FINISHED, r.endings.get(0));
  }

  @Test
  void anEndWithoutAStartDoesNothing() {
    Recorder r = new Recorder();
    r.ended(LAST, FINISHED);
    assertEquals(List.of(), r.models);
  }
}
