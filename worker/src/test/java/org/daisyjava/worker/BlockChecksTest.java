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
    assertThrows(IllegalArgumentException.class, () -> create(null));
  }

  @Test
  void streamCheckLoadsItsLibraryOnceAndAnswersPerBlockThroughTheHelper() throws Exception {
    Files.writeString(runDir.resolve("heavy_lib.py"), """
        import os
        print("heavy_lib: loading once")
        os.write(1, b"heavy_lib: fd 1 noise\\n")
        with open(os.path.join(os.environ["DAISY_RUN_DIR"], "loads.txt"), "a") as f:
            f.write("load\\n")
        """);
    Path script = Files.writeString(runDir.resolve("check.py"), """
        import heavy_lib
        import daisy_stream

        def check(block):
            print("checking", block.block_id)
            if block.block_id == 5:
                raise RuntimeError("cannot tell")
            return block.block_id % 2 == 0

        daisy_stream.serve_check(check)
        """);
    BlockCheck check = create(BlockCode.of(Kind.STREAM,
        "cd " + runDir + " && exec python3 " + script));
    assertTrue(check.isDone(block("t", 2)));
    assertFalse(check.isDone(block("t", 3)));
    Exception failed = assertThrows(Exception.class, () -> check.isDone(block("t", 5)));
    assertTrue(failed.getMessage().contains("RuntimeError: cannot tell"), failed.getMessage());
    assertTrue(check.isDone(block("t", 8)), "the process serves on after a failed check");
    assertEquals(java.util.List.of("load"), Files.readAllLines(runDir.resolve("loads.txt")),
        "one process for every question");
    ((StreamCheck) check).close();
  }

  @Test
  void streamCheckThatDiesSaysSoAndIsStartedAgain() throws Exception {
    Path count = runDir.resolve("starts.txt");
    BlockCheck check = create(BlockCode.of(Kind.STREAM, "echo start >> " + count
        + "; read line; echo '@daisy {\"block_id\":1,\"done\":true}'; read line;"
        + " echo 'gone' >&2; exit 9"));
    assertTrue(check.isDone(block("t", 1)));
    Exception died = assertThrows(Exception.class, () -> check.isDone(block("t", 2)));
    assertTrue(died.getMessage().contains("exited with code 9 while checking block 2: gone"),
        died.getMessage());
    assertTrue(check.isDone(block("t", 1)));
    assertEquals(2, Files.readAllLines(count).size());
  }
}
