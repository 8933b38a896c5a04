package org.daisyjava.worker;

import static org.daisyjava.worker.FakeScheduler.block;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.daisyjava.core.Block;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.BlockCode.Kind;
import org.daisyjava.core.Roi;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.Goodbye;
import org.daisyjava.core.protocol.Message.NoMoreBlocks;
import org.daisyjava.core.protocol.Message.Release;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of {@code process:} runs blocks and reports them with the right status. */
class ProcessKindsTest {
  @TempDir Path runDir;

  @Test
  void commandSeesTheDaisyEnvironmentOfItsBlock() throws IOException {
    BlockCode command = BlockCode.of(Kind.COMMAND,
        "env | grep '^DAISY_' > \"$DAISY_RUN_DIR/env-$DAISY_BLOCK_ID\"");
    Block block = new Block("smooth", 42, Roi.of(new long[] {0, 0, -8}, new long[] {80, 80, 80}),
        Roi.of(new long[] {8, 8, 0}, new long[] {64, 64, 64}));
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "smooth", WorkerOptions.defaults())) {
      scheduler.welcome(7, command, 200, 25, runDir.toString());
      scheduler.expect(Acquire.class);
      scheduler.sendBlock(block, 2);
      Release release = expectRelease(scheduler);
      assertEquals(42, release.blockId());
      assertTrue(release.success(), "release: " + release);
      finish(scheduler, worker);
    }
    Map<String, String> env = new HashMap<>();
    for (String line : Files.readAllLines(runDir.resolve("env-42"))) {
      int eq = line.indexOf('=');
      env.put(line.substring(0, eq), line.substring(eq + 1));
    }
    assertEquals("smooth", env.get("DAISY_TASK"));
    assertEquals("42", env.get("DAISY_BLOCK_ID"));
    assertEquals("0,0,-8", env.get("DAISY_READ_OFFSET"));
    assertEquals("80,80,80", env.get("DAISY_READ_SHAPE"));
    assertEquals("8,8,0", env.get("DAISY_WRITE_OFFSET"));
    assertEquals("64,64,64", env.get("DAISY_WRITE_SHAPE"));
    assertEquals("2", env.get("DAISY_ATTEMPT"));
    assertEquals("7", env.get("DAISY_WORKER_ID"));
    assertEquals(runDir.toAbsolutePath().toString(), env.get("DAISY_RUN_DIR"));
  }

  @Test
  void failingCommandReportsItsExitCodeAndLastStderrLines() {
    BlockCode command = BlockCode.of(Kind.COMMAND,
        "echo first >&2; echo 'out of memory' >&2; exit 3");
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults())) {
      scheduler.welcome(command, null);
      scheduler.expect(Acquire.class);
      scheduler.sendBlock(block("t", 1), 1);
      Release release = expectRelease(scheduler);
      assertFalse(release.success());
      assertEquals("command exited with code 3: first\nout of memory", release.error());
      finish(scheduler, worker);
    }
  }

  @Test
  void streamProcessAnswersEachBlockOnOneLine() throws IOException {
    Path script = write("serve.py", """
        import json, os, sys
        log = open(os.path.join(os.environ["DAISY_RUN_DIR"], "requests.jsonl"), "a")
        for line in sys.stdin:
            request = json.loads(line)
            log.write(line); log.flush()
            if request["block_id"] % 2:
                answer = {"block_id": request["block_id"], "status": "failed", "error": "odd"}
            else:
                answer = {"block_id": request["block_id"], "status": "success"}
            print(json.dumps(answer), flush=True)
        """);
    BlockCode stream = BlockCode.of(Kind.STREAM, "exec python3 " + script);
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults())) {
      scheduler.welcome(3, stream, 200, 25, runDir.toString());
      scheduler.expect(Acquire.class);
      scheduler.sendBlock(block("t", 4), 1);
      scheduler.sendBlock(block("t", 5), 2);
      Release even = expectRelease(scheduler);
      assertEquals(4, even.blockId());
      assertTrue(even.success());
      Release odd = expectRelease(scheduler);
      assertEquals(5, odd.blockId());
      assertFalse(odd.success());
      assertEquals("odd", odd.error());
      finish(scheduler, worker);
    }
    List<String> requests = Files.readAllLines(runDir.resolve("requests.jsonl"));
    assertEquals(2, requests.size());
    assertEquals("{\"block_id\":5,\"attempt\":2,\"task\":\"t\",\"read_offset\":[48],\"read_shape\":[14],"
        + "\"write_offset\":[50],\"write_shape\":[10]}", requests.get(1));
  }

  @Test
  void streamProcessThatDiesFailsItsBlockAndIsRestartedForTheNext() throws IOException {
    Path script = write("fragile.py", """
        import json, os, sys
        for line in sys.stdin:
            request = json.loads(line)
            if request["block_id"] == 1:
                print("cannot cope with block 1", file=sys.stderr, flush=True)
                os._exit(1)
            print(json.dumps({"block_id": request["block_id"], "status": "success"}), flush=True)
        """);
    BlockCode stream = BlockCode.of(Kind.STREAM, "exec python3 " + script);
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults())) {
      scheduler.welcome(stream, null);
      scheduler.expect(Acquire.class);
      scheduler.sendBlock(block("t", 0), 1);
      assertTrue(expectRelease(scheduler).success());
      scheduler.sendBlock(block("t", 1), 1);
      Release died = expectRelease(scheduler);
      assertFalse(died.success());
      assertEquals("stream process exited with code 1 while running block 1: cannot cope with block 1",
          died.error());
      scheduler.sendBlock(block("t", 2), 1);
      Release afterRestart = expectRelease(scheduler);
      assertEquals(2, afterRestart.blockId());
      assertTrue(afterRestart.success(), "the process was started again: " + afterRestart);
      finish(scheduler, worker);
    }
  }

  @Test
  void printsBesidesTheAnswerAreOutputAndAWrongAnswerFailsTheBlockWithAClearError()
      throws IOException {
    Path script = write("chatty.py", """
        import json, sys
        for line in sys.stdin:
            request = json.loads(line)
            if request["block_id"] == 7:
                print("loading model...", flush=True)
                print('{"not": "an answer"}', flush=True)
                print("@daisy " + json.dumps({"block_id": 7, "status": "success"}), flush=True)
            elif request["block_id"] == 6:
                print("@daisy ok", flush=True)
            elif request["block_id"] == 8:
                print(json.dumps({"block_id": 99, "status": "success"}), flush=True)
            else:
                print(json.dumps({"block_id": request["block_id"], "status": "success"}), flush=True)
        """);
    BlockCode stream = BlockCode.of(Kind.STREAM, "exec python3 " + script);
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults())) {
      scheduler.welcome(stream, null);
      scheduler.expect(Acquire.class);
      scheduler.sendBlock(block("t", 7), 1);
      Release chatty = expectRelease(scheduler);
      assertTrue(chatty.success(), "prints before a marked answer are output: " + chatty);
      scheduler.sendBlock(block("t", 6), 1);
      Release garbled = expectRelease(scheduler);
      assertFalse(garbled.success());
      assertEquals("stream process gave a bad answer for block 6: not a JSON object: 'ok'",
          garbled.error());
      scheduler.sendBlock(block("t", 8), 1);
      Release wrongId = expectRelease(scheduler);
      assertFalse(wrongId.success());
      assertEquals("stream process gave a bad answer for block 8: answered for block 99 instead of block 8",
          wrongId.error());
      scheduler.sendBlock(block("t", 9), 1);
      assertTrue(expectRelease(scheduler).success());
      finish(scheduler, worker);
    }
  }

  @Test
  void streamProcessThatNeverAnswersMakesTheWorkerGiveUpWithCode4() {
    BlockCode stream = BlockCode.of(Kind.STREAM, "echo 'broken script' >&2; exit 1");
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults())) {
      scheduler.welcome(stream, null);
      for (int id = 1; id <= StreamRunner.MAX_SILENT_DEATHS; id++) {
        scheduler.expect(Acquire.class);
        scheduler.sendBlock(block("t", id), 1);
        Release release = expectRelease(scheduler);
        assertFalse(release.success());
        assertTrue(release.error().contains("broken script"), release.error());
      }
      Goodbye goodbye = scheduler.expect(Goodbye.class);
      assertTrue(goodbye.reason().contains("giving up"));
      assertFalse(goodbye.fatal(), "another worker (on another node) may manage: not fatal for the task");
      assertEquals(WorkerExitCodes.CODE_FAILED, worker.awaitExit());
    }
  }

  @Test
  void classIsLoadedByNameAndSetUpOnceAndTornDownAtTheEnd() throws IOException {
    BlockCode cls = BlockCode.of(Kind.CLASS, RecordingFunction.class.getName());
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults())) {
      scheduler.welcome(5, cls, 200, 25, runDir.toString());
      scheduler.expect(Acquire.class);
      scheduler.sendBlock(block("t", 1), 1);
      scheduler.sendBlock(block("t", 3), 2);
      Release ok = expectRelease(scheduler);
      assertEquals(1, ok.blockId());
      assertTrue(ok.success());
      Release failed = expectRelease(scheduler);
      assertEquals(3, failed.blockId());
      assertFalse(failed.success());
      assertEquals("java.io.IOException: ids divisible by 3 fail", failed.error());
      finish(scheduler, worker);
    }
    assertEquals(List.of("setup worker=5 task=t attempt=0", "block 1 attempt=1", "block 3 attempt=2",
        "teardown"), Files.readAllLines(RecordingFunction.logOf(runDir)));
  }

  @Test
  void classArgsAndVoxelSizeReachSetup() throws IOException {
    BlockCode cls = new BlockCode(Kind.CLASS, ContextRecordingFunction.class.getName(),
        Map.of(BlockCode.ARG_PREFIX + "sigma", "2", BlockCode.ARG_PREFIX + "class", "x",
            BlockCode.VOXEL_SIZE_OPTION, "4,4,8"));
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults())) {
      scheduler.welcome(5, cls, 200, 25, runDir.toString());
      scheduler.expect(Acquire.class);
      scheduler.sendBlock(block("t", 1), 1);
      assertTrue(expectRelease(scheduler).success());
      finish(scheduler, worker);
    }
    assertEquals(List.of("args={class=x, sigma=2} voxel=(4, 4, 8)"),
        Files.readAllLines(runDir.resolve("context.log")));
  }

  @Test
  void missingClassMakesTheWorkerLeaveWithCode4() {
    BlockCode cls = BlockCode.of(Kind.CLASS, "org.example.NoSuchPredict");
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults())) {
      scheduler.welcome(cls, null);
      Goodbye goodbye = scheduler.expect(Goodbye.class);
      assertTrue(goodbye.reason().contains("org.example.NoSuchPredict was not found"), goodbye.reason());
      assertTrue(goodbye.fatal(), "no worker can load it: the goodbye fails the whole task");
      assertEquals(WorkerExitCodes.CODE_FAILED, worker.awaitExit());
    }
  }

  @Test
  void builtinsNoopSleepAndTouchSucceedAndTouchLeavesItsMarker() {
    for (BlockCode builtin : List.of(BlockCode.of(Kind.BUILTIN, "noop"),
        new BlockCode(Kind.BUILTIN, "sleep", Map.of("seconds", "0.01")),
        new BlockCode(Kind.BUILTIN, "touch", Map.of("dir", runDir.resolve("done").toString())))) {
      try (FakeScheduler scheduler = new FakeScheduler();
          RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults())) {
        scheduler.welcome(builtin, null);
        scheduler.expect(Acquire.class);
        scheduler.sendBlock(block("t", 12), 1);
        Release release = expectRelease(scheduler);
        assertTrue(release.success(), builtin + ": " + release);
        finish(scheduler, worker);
      }
    }
    assertTrue(Files.isRegularFile(runDir.resolve("done").resolve("t").resolve("12")));
  }

  @Test
  void failBuiltinFailsExactlyTheBlocksItsHashPicks() {
    BlockCode fail = new BlockCode(Kind.BUILTIN, "fail", Map.of("probability", "0.5"));
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults())) {
      scheduler.welcome(fail, null);
      scheduler.expect(Acquire.class);
      for (int id = 0; id < 20; id++) {
        scheduler.sendBlock(block("t", id), 1 + id % 2);
        Release release = expectRelease(scheduler);
        assertEquals(!FailBuiltin.fails("t", id, 1 + id % 2, 0.5), release.success(), "block " + id);
      }
      finish(scheduler, worker);
    }
  }

  @Test
  void unknownBuiltinMakesTheWorkerLeaveWithCode4() {
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults())) {
      scheduler.welcome(BlockCode.of(Kind.BUILTIN, "explode"), null);
      assertTrue(scheduler.expect(Goodbye.class).reason().contains("unknown builtin 'explode'"));
      assertEquals(WorkerExitCodes.CODE_FAILED, worker.awaitExit());
    }
  }

  @Test
  void inProcessFunctionWinsOverTheWelcomesProcess() {
    List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t",
            WorkerOptions.defaults().withFunction(b -> seen.add(b.id())))) {
      scheduler.welcome(BlockCode.of(Kind.COMMAND, "exit 1"), null);
      scheduler.expect(Acquire.class);
      scheduler.sendBlock(block("t", 9), 1);
      assertTrue(expectRelease(scheduler).success());
      finish(scheduler, worker);
    }
    assertEquals(List.of(9L), seen);
  }

  /** The next release, skipping acquires. */
  static Release expectRelease(FakeScheduler scheduler) {
    while (true) {
      var m = scheduler.next();
      if (m instanceof Release release) {
        return release;
      }
      assertTrue(m instanceof Acquire, "expected a release, got " + m);
    }
  }

  /** Answers outstanding acquires with no_more_blocks and expects goodbye and exit 0. */
  static void finish(FakeScheduler scheduler, RunningWorker worker) {
    scheduler.send(new NoMoreBlocks());
    scheduler.send(new NoMoreBlocks());
    while (true) {
      var m = scheduler.next();
      if (m instanceof Goodbye) {
        break;
      }
      assertTrue(m instanceof Acquire, "expected goodbye, got " + m);
    }
    assertEquals(WorkerExitCodes.FINISHED, worker.awaitExit());
    assertNull(scheduler.nextWithin(java.time.Duration.ofMillis(1)));
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(runDir.resolve(name), text);
  }
}
