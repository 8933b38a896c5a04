package org.daisyjava.worker;

import static org.daisyjava.worker.FakeScheduler.block;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.BlockCode.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockChecksTest {
  @TempDir Path runDir;

  private BlockCheck create(BlockCode code) {
    return BlockChecks.create(code, runDir, getClass().getClassLoader());
  }

  @Test
  void commandCheckIsDoneIffItExitsWithZeroAndSeesTheBlocksEnvironment() throws Exception {
    BlockCheck check = create(BlockCode.of(Kind.COMMAND,
        "test -f \"$DAISY_RUN_DIR/$DAISY_TASK-$DAISY_BLOCK_ID-$DAISY_WRITE_OFFSET\""));
    Files.createFile(runDir.resolve("predict-3-30"));
    assertTrue(check.isDone(block("predict", 3)));
    assertFalse(check.isDone(block("predict", 4)));
  }

  @Test
  void touchedCheckFindsTheMarkersTheTouchBuiltinLeaves() throws Exception {
    Map<String, String> dir = Map.of("dir", runDir.resolve("markers").toString());
    BlockCheck check = create(new BlockCode(Kind.BUILTIN, "touched", dir));
    assertFalse(check.isDone(block("t", 8)));
    BuiltinFunctions.create(new BlockCode(Kind.BUILTIN, "touch", dir)).process(block("t", 8));
    assertTrue(check.isDone(block("t", 8)));
    assertFalse(check.isDone(block("other-task", 8)));
  }

  @Test
  void classCheckIsInstantiatedByName() throws Exception {
    BlockCheck check = create(BlockCode.of(Kind.CLASS, EvenBlocksAreDone.class.getName()));
    assertTrue(check.isDone(block("t", 2)));
    assertFalse(check.isDone(block("t", 3)));
  }

  @Test
  void badChecksAreRefusedWithMessagesThatNameTheProblem() {
    assertEquals("check.class java.lang.String does not implement org.daisyjava.worker.BlockCheck",
        assertThrows(IllegalArgumentException.class,
            () -> create(BlockCode.of(Kind.CLASS, "java.lang.String"))).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
            () -> create(BlockCode.of(Kind.CLASS, "org.example.Nope"))).getMessage()
        .contains("org.example.Nope was not found"));
    assertEquals("builtin touched needs the option 'dir'", assertThrows(IllegalArgumentException.class,
        () -> create(BlockCode.of(Kind.BUILTIN, "touched"))).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
            () -> create(BlockCode.of(Kind.BUILTIN, "touch"))).getMessage()
        .contains("unknown builtin 'touch'"));
    assertTrue(assertThrows(IllegalArgumentException.class,
            () -> create(BlockCode.of(Kind.STREAM, "python serve.py"))).getMessage()
        .contains("stream is not supported"));
    assertThrows(IllegalArgumentException.class, () -> create(null));
  }
}
