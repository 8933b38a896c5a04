package org.daisyjava.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.daisyjava.core.Block;
import org.daisyjava.core.Roi;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipelines built in code, run by worker threads of this JVM through the real scheduler. */
class DaisyApiTest {
  static Roi roi(long[] offset, long[] shape) {
    return Roi.of(offset, shape);
  }

  /** Name of a block independent of ids: task and write offset. */
  static String key(Block b) {
    return b.task() + "@" + b.writeRoi().begin().toCsv();
  }

  @Test
  void aChainedPipelineRunsEveryBlockOnceAndNeverBeforeItsUpstream(@TempDir Path dir) throws Exception {
    Set<String> finished = ConcurrentHashMap.newKeySet();
    Map<String, Integer> runs = new ConcurrentHashMap<>();
    List<String> violations = Collections.synchronizedList(new ArrayList<>());
    Task[] holder = new Task[2];
    // the graph to check against is the one daisy-java computes from the same geometry
    DependencyGraph[] graph = new DependencyGraph[1];
    org.daisyjava.worker.BlockFunction body = block -> {
      int t = graph[0].taskIndex(block.task());
      graph[0].upstream(t, block.id(), (ut, u) -> {
        if (!finished.contains(key(graph[0].block(ut, u)))) {
          violations.add(key(block) + " started before " + key(graph[0].block(ut, u)));
        }
      });
      runs.merge(key(block), 1, Integer::sum);
      Thread.sleep(1);
      finished.add(key(block));
    };
    Task smooth = Task.builder("smooth")
        .totalRoi(roi(new long[] {0, 0}, new long[] {200, 200}))
        .readRoi(roi(new long[] {-5, -5}, new long[] {20, 20}))
        .writeRoi(roi(new long[] {0, 0}, new long[] {10, 10}))
        .numWorkers(3)
        .process(body)
        .build();
    Task label = Task.builder("label")
        .totalRoi(roi(new long[] {5, 5}, new long[] {190, 190}))
        .readRoi(roi(new long[] {-5, -5}, new long[] {20, 20}))
        .writeRoi(roi(new long[] {0, 0}, new long[] {10, 10}))
        .upstream(smooth)
        .numWorkers(2)
        .process(body)
        .build();
    graph[0] = DependencyGraph.of(List.of(smooth.geometry(), label.geometry()));
    RunResult r = Daisy.run(List.of(smooth, label), Daisy.Options.defaults()
        .withRunDir(dir.resolve("run")).withHeartbeat(Duration.ofMillis(200), 10));
    assertTrue(r.succeeded(), r.toString());
    assertEquals(List.of(), violations);
    long total = graph[0].totalBlocks();
    assertEquals(total, runs.size());
    assertTrue(runs.values().stream().allMatch(n -> n == 1), "some block ran twice");
    assertEquals(graph[0].grid(0).blockCount(), r.tasks().get("smooth").completed());
    assertEquals(graph[0].grid(1).blockCount(), r.tasks().get("label").completed());
    assertTrue(Files.readString(dir.resolve("run/summary.json")).contains("\"state\":\"finished\""));
  }

  @Test
  void aBlockThatAlwaysFailsOrphansItsDownstreamAndTheResultSaysSo(@TempDir Path dir) throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    Task a = Task.builder("a")
        .totalRoi(roi(new long[] {0}, new long[] {100}))
        .readRoi(roi(new long[] {-10}, new long[] {40}))
        .writeRoi(roi(new long[] {0}, new long[] {20}))
        .maxRetries(2)
        .process(block -> {
          if (block.writeRoi().begin().get(0) == 30) {
            attempts.incrementAndGet();
            throw new IllegalStateException("bad block at 30");
          }
        })
        .build();
    RunResult r = Daisy.run(List.of(a), Daisy.Options.defaults().withRunDir(dir.resolve("run")));
    assertFalse(r.succeeded());
    assertEquals(ExitCode.BLOCKS_FAILED, r.exitCode());
    TaskResult c = r.tasks().get("a");
    assertEquals(1, c.failed());
    assertEquals(2, c.orphaned(), "blocks 10 and 50 wait for 30");
    assertEquals(1, c.completed());
    assertEquals(2, c.retries());
    assertEquals(3, attempts.get(), "max_retries 2: three attempts");
    assertTrue(r.failures().get(0).error().contains("bad block at 30"), r.failures().toString());
    RunResult.BlockFailure f = (RunResult.BlockFailure) r.failures().get(0);
    assertEquals(3, f.attempts());
    assertEquals(30, f.writeRoi().begin().get(0));
    assertFalse(c.succeeded());
  }

  @Test
  void aRunThatCannotStartIsAbortedWithTheCommandLinesExitCodeAndRunsNothing(@TempDir Path dir) throws Exception {
    AtomicInteger ran = new AtomicInteger();
    Task t = Task.builder("t")
        .totalRoi(roi(new long[] {0}, new long[] {40}))
        .readRoi(roi(new long[] {0}, new long[] {10}))
        .writeRoi(roi(new long[] {0}, new long[] {10}))
        .process(block -> ran.incrementAndGet())
        .build();
    Daisy.Options options = Daisy.Options.defaults().withRunDir(dir.resolve("run"));
    assertTrue(Daisy.run(List.of(t), options).succeeded());
    assertEquals(4, ran.get());
    // the directory holds a run now: a second run there without resume must not start
    RunAbortedException e = assertThrows(RunAbortedException.class, () -> Daisy.run(List.of(t), options));
    assertEquals(ExitCode.USAGE, e.exitCode());
    assertTrue(e.getMessage().contains(dir.resolve("run").toString()), e.getMessage());
    assertEquals(4, ran.get(), "no block ran in the aborted run");
  }

  /**
   * The progress callback hears of every change in order and once more at the end, whose counts
   * are the result's. The blocks take a few milliseconds each, so a run spans many ticks; how
   * many calls that makes is up to the machine, and is not asserted.
   */
  @Test
  void progressIsToldOfChangesInOrderAndOnceAtTheEndWithTheResultsCounts(@TempDir Path dir) throws Exception {
    List<Progress> heard = Collections.synchronizedList(new ArrayList<>());
    Task a = Task.builder("a")
        .totalRoi(roi(new long[] {0}, new long[] {400}))
        .readRoi(roi(new long[] {-10}, new long[] {30}))
        .writeRoi(roi(new long[] {0}, new long[] {10}))
        .numWorkers(2)
        .process(block -> Thread.sleep(3))
        .build();
    Task b = Task.builder("b")
        .totalRoi(roi(new long[] {0}, new long[] {400}))
        .readRoi(roi(new long[] {0}, new long[] {10}))
        .writeRoi(roi(new long[] {0}, new long[] {10}))
        .upstream(a)
        .process(block -> Thread.sleep(1))
        .build();
    RunResult r = Daisy.run(List.of(a, b), Daisy.Options.defaults()
        .withRunDir(dir.resolve("run")).withProgress(heard::add));
    assertTrue(r.succeeded(), r.toString());

    List<Progress> calls = List.copyOf(heard);
    Progress end = calls.get(calls.size() - 1);
    assertTrue(end.ended(), "the last call is the end: " + end);
    assertEquals(1, calls.stream().filter(Progress::ended).count(), "one end");
    assertEquals(List.of("a", "b"), List.copyOf(end.tasks().keySet()), "in the pipeline's order");
    for (String task : List.of("a", "b")) {
      assertEquals(r.tasks().get(task), end.tasks().get(task).counts());
      assertEquals(0, end.tasks().get(task).running());
    }
    assertEquals(1.0, end.fraction());
    for (int i = 1; i < calls.size(); i++) {
      Progress before = calls.get(i - 1);
      Progress now = calls.get(i);
      assertTrue(now.elapsed().compareTo(before.elapsed()) >= 0, "time runs forward");
      if (!now.ended()) {
        assertNotEquals(before.tasks(), now.tasks(), "call " + i + " tells of no change");
      }
      for (String task : List.of("a", "b")) {
        assertTrue(now.tasks().get(task).counts().completed() >= before.tasks().get(task).counts().completed(),
            "completed never goes back: " + before + " then " + now);
      }
      assertTrue(now.fraction() >= before.fraction(), "the bar never goes back");
    }
  }

  /** A callback that throws is logged; the run goes on, and the callback hears of it again. */
  @Test
  void aProgressCallbackThatThrowsDoesNotStopTheRun(@TempDir Path dir) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Task t = Task.builder("t")
        .totalRoi(roi(new long[] {0}, new long[] {40}))
        .readRoi(roi(new long[] {0}, new long[] {10}))
        .writeRoi(roi(new long[] {0}, new long[] {10}))
        .process(block -> {})
        .build();
    RunResult r = Daisy.run(List.of(t), Daisy.Options.defaults().withRunDir(dir.resolve("run"))
        .withProgress(p -> {
          calls.incrementAndGet();
          throw new IllegalStateException("a broken progress bar");
        }));
    assertTrue(r.succeeded(), r.toString());
    assertTrue(calls.get() >= 2, "told at the start and at the end: " + calls.get());
  }

  /**
   * maxFailures and maxFailurePercent give a task up at the first block failed for good beyond
   * the limit: nothing more of it runs but the blocks already held by its worker (one running,
   * one prefetched at most, as blocks of 5 ms keep the prefetch at its minimum of two).
   */
  @Test
  void aTaskIsGivenUpAtTheFirstFailureBeyondItsLimit(@TempDir Path dir) throws Exception {
    record Limit(String label, java.util.function.UnaryOperator<Task.Builder> set, long allowed, String text) {}
    for (Limit limit : List.of(
        new Limit("count", b -> b.maxFailures(3), 3, "more than max_failures (3)"),
        new Limit("share", b -> b.maxFailurePercent(10), 2, "more than max_failures (10% of 20 blocks = 2)"))) {
      AtomicInteger attempts = new AtomicInteger();
      Task t = limit.set().apply(Task.builder("t")
              .totalRoi(roi(new long[] {0}, new long[] {200}))
              .readRoi(roi(new long[] {0}, new long[] {10}))
              .writeRoi(roi(new long[] {0}, new long[] {10}))
              .maxRetries(0)
              .process(block -> {
                attempts.incrementAndGet();
                Thread.sleep(5);
                throw new IllegalStateException("every block fails");
              }))
          .build();
      RunResult r = Daisy.run(List.of(t), Daisy.Options.defaults().withRunDir(dir.resolve(limit.label())));
      TaskResult c = r.tasks().get("t");
      assertEquals(0, c.completed(), limit.label());
      assertEquals(20, c.failed(), limit.label() + ": the blocks not run count as failed");
      assertTrue(r.failures().stream().anyMatch(f -> f instanceof RunResult.TaskFailure
              && f.error().contains(limit.text())), limit.label() + ": " + r.failures());
      assertTrue(attempts.get() >= limit.allowed() + 1 && attempts.get() <= limit.allowed() + 1 + 2,
          limit.label() + ": " + attempts.get() + " attempts");
    }
    assertThrows(IllegalArgumentException.class, () -> Task.builder("t").maxFailures(-1));
    assertThrows(IllegalArgumentException.class, () -> Task.builder("t").maxFailurePercent(101));
  }
}
