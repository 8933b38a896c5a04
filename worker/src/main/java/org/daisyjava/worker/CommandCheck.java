package org.daisyjava.worker;

import java.nio.file.Path;
import org.daisyjava.core.Block;

/** {@code check: {command: CMD}}: a block is done iff {@code /bin/sh -c CMD} exits with 0. */
final class CommandCheck implements BlockCheck {
  private final String command;
  private final Path runDir;

  CommandCheck(String command, Path runDir) {
    if (command == null || command.isBlank()) {
      throw new IllegalArgumentException("check: command must not be empty");
    }
    this.command = command;
    this.runDir = runDir;
  }

  @Override
  public boolean isDone(Block block) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command);
    DaisyEnvironment.putBlock(builder.environment(), block);
    DaisyEnvironment.putRunDir(builder.environment(), runDir);
    PythonPath.put(builder.environment());
    // stdout would mix into the launcher's progress display; stderr explains a broken check
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process process = builder.start();
    process.getOutputStream().close();
    try {
      return process.waitFor() == 0;
    } catch (InterruptedException e) {
      ProcessTree.terminate(process.toHandle());
      throw e;
    }
  }

  @Override
  public String toString() {
    return "check command '" + command + "'";
  }
}
