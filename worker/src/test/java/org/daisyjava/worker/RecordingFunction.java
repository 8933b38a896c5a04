package org.daisyjava.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.daisyjava.core.Block;

/**
 * A {@code process: {class: ...}} for tests: writes what happens to it into {@code events.log} in
 * the run directory (a class loaded by name has no other way to report to the test). Fails blocks
 * whose id is divisible by 3.
 */
public class RecordingFunction implements BlockFunction {
  private WorkerContext context;

  @Override
  public void setup(WorkerContext context) throws IOException {
    this.context = context;
    log("setup worker=" + context.workerId() + " task=" + context.task() + " attempt=" + context.attempt());
  }

  @Override
  public void process(Block block) throws IOException {
    log("block " + block.id() + " attempt=" + context.attempt());
    if (block.id() % 3 == 0) {
      throw new IOException("ids divisible by 3 fail");
    }
  }

  @Override
  public void teardown() throws IOException {
    log("teardown");
  }

  private void log(String line) throws IOException {
    Files.writeString(context.runDir().resolve("events.log"), line + "\n",
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  static Path logOf(Path runDir) {
    return runDir.resolve("events.log");
  }
}
