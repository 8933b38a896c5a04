package org.daisyjava.worker;

import static org.daisyjava.worker.FakeScheduler.block;
import static org.daisyjava.worker.ProcessKindsTest.expectRelease;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.BlockCode.Kind;
import org.daisyjava.core.protocol.Message.Acquire;
import org.daisyjava.core.protocol.Message.Hello;
import org.daisyjava.core.protocol.Message.Release;
import org.daisyjava.core.protocol.Message.Wait;
import org.junit.jupiter.api.Test;

/** Whatever a confused scheduler sends, the worker drops it and keeps working. */
class MalformedFramesTest {
  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void garbageUnknownTypesOtherVersionsAndMultipartMessagesAreDropped() {
    try (FakeScheduler scheduler = new FakeScheduler();
        RunningWorker worker = RunningWorker.start(scheduler, "t", WorkerOptions.defaults())) {
      scheduler.welcome(BlockCode.of(Kind.BUILTIN, "noop"), null);
      scheduler.expect(Acquire.class);
      scheduler.sendRaw(new byte[] {(byte) 0xff, 0, 1, 2});
      scheduler.sendRaw(utf8("not json at all"));
      scheduler.sendRaw(utf8("[1, 2, 3]"));
      scheduler.sendRaw(utf8("{\"v\":3,\"type\":\"no_more_blocks\"}")); // a version nobody speaks
      scheduler.sendRaw(utf8("{\"v\":1,\"type\":\"frobnicate\"}"));
      scheduler.sendRaw(utf8("{\"v\":1,\"type\":\"block\",\"block_id\":5}"));
      scheduler.sendRaw(utf8("{\"v\":1}"));
      scheduler.sendRaw(new byte[0]);
      scheduler.sendRaw(utf8("{\"v\":1,\"type\":\"wait\"}"), utf8("{\"v\":1,\"type\":\"wait\"}"));
      scheduler.send(new Hello("t", "x", "x", 1, null, null)); // a type only workers send
      scheduler.send(new Wait());

      scheduler.sendBlock(block("t", 6), 1);
      Release release = expectRelease(scheduler);
      assertEquals(6, release.blockId());
      assertTrue(release.success());
      ProcessKindsTest.finish(scheduler, worker);
    }
  }

  @Test
  void droppedFramesAreLoggedInFullAtFirstThenOncePerThousand() {
    DroppedFrames dropped = new DroppedFrames("worker 1");
    java.util.logging.Logger log = java.util.logging.Logger.getLogger(DroppedFrames.class.getName());
    java.util.List<String> lines = new java.util.ArrayList<>();
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        lines.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(capture);
    try {
      for (int i = 0; i < 2500; i++) {
        dropped.drop("garbage");
      }
    } finally {
      log.removeHandler(capture);
    }
    assertEquals(2500, dropped.count());
    assertEquals(DroppedFrames.LOGGED_IN_FULL + 2, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(lines.size() - 1).contains("2000 so far"));
  }
}
