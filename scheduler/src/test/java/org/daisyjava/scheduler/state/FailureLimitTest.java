package org.daisyjava.scheduler.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.daisyjava.scheduler.graph.DependencyGraph;
import org.junit.jupiter.api.Test;

/** max_failures: a task whose blocks keep failing for good is given up, its downstream orphaned. */
class FailureLimitTest {
  @Test
  void theBlockAfterTheLimitGivesUpTheTaskAndOrphansItsDownstream() {
    DependencyGraph g = SchedulingStateTest.chain3d();
    SchedulingState s = new SchedulingState(g, new int[] {0, 0},
        new FailureLimit[] {new FailureLimit.Blocks(3), FailureLimit.DEFAULT}, null);
    for (int i = 0; i < 3; i++) {
      long id = s.take(0);
      assertFalse(s.failed(0, id, "broken " + id, "worker 1"));
      assertNull(s.abandonReason(0), "within the limit after " + (i + 1) + " failures");
    }
    long fourth = s.take(0);
    s.failed(0, fourth, "broken", "worker 1");
    assertTrue(s.abandonReason(0).contains("4 blocks failed for good, more than max_failures (3)"),
        s.abandonReason(0));
    assertEquals(-1, s.take(0), "no more blocks of a given-up task");
    assertTrue(s.isFinished(0));
    assertTrue(s.isFinished(1));
    assertEquals(s.counts(1).total(), s.counts(1).orphaned());
    Failure last = s.failures().get(s.failures().size() - 1);
    assertEquals(-1, last.blockId());
    assertTrue(last.error().contains("gave up on task a"), last.error());
  }

  @Test
  void aShareIsTakenOfTheTasksBlocks() {
    assertEquals(36, new FailureLimit.Share(5).allowed(729));
    assertEquals(0, new FailureLimit.Share(0).allowed(729));
    assertEquals(729, new FailureLimit.Share(100).allowed(729));
    assertEquals("2.5%", new FailureLimit.Share(2.5).text());
    assertEquals("5%", new FailureLimit.Share(5).text());
    assertThrows(IllegalArgumentException.class, () -> new FailureLimit.Share(101));
    assertThrows(IllegalArgumentException.class, () -> new FailureLimit.Blocks(-1));

    DependencyGraph g = SchedulingStateTest.chain3d(); // task a: 8^3 = 512 blocks
    SchedulingState s = new SchedulingState(g, new int[] {0, 0},
        new FailureLimit[] {new FailureLimit.Share(1), null}, null);
    assertEquals(512, s.counts(0).total());
    for (int i = 0; i < 5; i++) {
      s.failed(0, s.take(0), "broken", null);
    }
    assertNull(s.abandonReason(0), "5 of 512 is within 1%");
    s.failed(0, s.take(0), "broken", null);
    assertTrue(s.abandonReason(0).contains("more than max_failures (1% of 512 blocks = 5)"),
        s.abandonReason(0));
  }

  @Test
  void aFailureNamesTheBlocksWriteRoi() {
    DependencyGraph g = SchedulingStateTest.chain3d();
    SchedulingState s = new SchedulingState(g, new int[] {0, 0}, null);
    long id = s.take(0);
    s.failed(0, id, "broken", "worker 2 (log w.err)");
    Failure f = s.failures().get(0);
    assertEquals(g.block(0, id).writeRoi(), f.writeRoi());
    assertEquals(org.daisyjava.core.Coordinate.of(10, 10, 10), f.writeRoi().shape());
    assertEquals("worker 2 (log w.err)", f.source());
  }
}
