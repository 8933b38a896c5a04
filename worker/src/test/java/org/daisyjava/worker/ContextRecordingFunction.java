package org.daisyjava.worker;

import java.io.IOException;
import java.nio.file.Files;
import org.daisyjava.core.Block;

/** A class process for tests that writes the args and voxel size its context gives to {@code context.log}. */
public class ContextRecordingFunction implements BlockFunction {
  @Override
  public void setup(WorkerContext context) throws IOException {
    Files.writeString(context.runDir().resolve("context.log"),
        "args=" + new java.util.TreeMap<>(context.args()) + " voxel=" + context.voxelSize().orElse(null) + "\n");
  }

  @Override
  public void process(Block block) {}
}
