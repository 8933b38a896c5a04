package org.daisyjava.worker;

import static org.daisyjava.worker.FakeScheduler.block;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.BlockCode.Kind;
import org.junit.jupiter.api.Test;

class BuiltinFunctionsTest {
  @Test
  void failIsDeterministicPerTaskBlockAndAttempt() {
    for (long id = 0; id < 200; id++) {
      assertEquals(FailBuiltin.fails("t", id, 1, 0.3), FailBuiltin.fails("t", id, 1, 0.3));
    }
    boolean attemptsDiffer = false;
    for (long id = 0; id < 200; id++) {
      attemptsDiffer |= FailBuiltin.fails("t", id, 1, 0.5) != FailBuiltin.fails("t", id, 2, 0.5);
    }
    assertTrue(attemptsDiffer, "a retry is a new draw");
  }

  @Test
  void failFailsAboutTheGivenShareOfFirstAttempts() {
    int blocks = 20_000;
    for (double p : new double[] {0.0, 0.1, 0.5, 1.0}) {
      int failed = 0;
      for (long id = 0; id < blocks; id++) {
        failed += FailBuiltin.fails("predict", id, 1, p) ? 1 : 0;
      }
      assertEquals(p, failed / (double) blocks, 0.01, "probability " + p);
    }
  }

  @Test
  void failUsesTheAttemptOfItsContext() throws Exception {
    FailBuiltin fail = new FailBuiltin(0.5);
    LiveWorkerContext context = new LiveWorkerContext("t", 1, null);
    fail.setup(context);
    for (int attempt = 1; attempt <= 3; attempt++) {
      context.setAttempt(attempt);
      for (long id = 0; id < 50; id++) {
        boolean threw;
        try {
          fail.process(block("t", id));
          threw = false;
        } catch (BlockFailedException e) {
          threw = true;
        }
        assertEquals(FailBuiltin.fails("t", id, attempt, 0.5), threw);
      }
    }
  }

  @Test
  void optionsAreCheckedWithMessagesThatNameThem() {
    assertEquals("builtin sleep: option 'seconds' must be a number, got 'soon'",
        assertThrows(IllegalArgumentException.class, () -> BuiltinFunctions.create(
            new BlockCode(Kind.BUILTIN, "sleep", Map.of("seconds", "soon")))).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> BuiltinFunctions.create(
            new BlockCode(Kind.BUILTIN, "fail", Map.of("probability", "1.5")))).getMessage()
        .contains("'probability' must be between 0 and 1"));
    assertEquals("builtin touch needs the option 'dir'", assertThrows(IllegalArgumentException.class,
        () -> BuiltinFunctions.create(BlockCode.of(Kind.BUILTIN, "touch"))).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
            () -> BuiltinFunctions.create(BlockCode.of(Kind.BUILTIN, "explode"))).getMessage()
        .contains("known: noop, sleep, fail, touch"));
  }
}
