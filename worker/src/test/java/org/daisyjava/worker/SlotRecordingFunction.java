package org.daisyjava.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.daisyjava.core.Block;

/**
 * A class process for slot tests: records its setup and teardown per slot and instance in the run
 * directory, and holds each block until {@code args.together} blocks run at once (marker files
 * {@code run-<block>-<slot>}), so that a worker whose slots do not run concurrently never finishes
 * a block (the test's hang guard then fails it).
 */
public class SlotRecordingFunction implements BlockFunction {
  private WorkerContext context;
  private int together;

  @Override
  public void setup(WorkerContext context) throws IOException {
    this.context = context;
    this.together = Integer.parseInt(context.args().getOrDefault("together", "1"));
    Files.createFile(context.runDir().resolve(
        "setup-" + context.slot() + "-" + System.identityHashCode(this)));
  }

  @Override
  public void process(Block block) throws Exception {
    Path dir = context.runDir();
    Files.createFile(dir.resolve("run-" + block.id() + "-" + context.slot()));
    while (running(dir) < together) {
      Thread.sleep(10);
    }
  }

  private static long running(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("run-")).count();
    }
  }

  @Override
  public void teardown() throws IOException {
    Files.createFile(context.runDir().resolve("teardown-" + context.slot()));
  }
}
