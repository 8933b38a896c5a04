package org.daisyjava.worker;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.daisyjava.core.Block;

/**
 * Builtin {@code touch}: creates the block's done-marker {@code dir/<task>/<block_id>} (parents as
 * needed), which the {@code touched} check finds on a later run.
 */
final class TouchBuiltin implements BlockFunction {
  private final Path dir;

  TouchBuiltin(Path dir) {
    if (dir == null) {
      throw new IllegalArgumentException("dir must not be null");
    }
    this.dir = dir;
  }

  @Override
  public void process(Block block) throws IOException {
    Path marker = DoneMarker.of(dir, block.task(), block.id());
    Files.createDirectories(marker.getParent());
    try {
      Files.createFile(marker);
    } catch (FileAlreadyExistsException e) {
      // a retry or a rerun: the marker says the same thing
    }
  }
}
