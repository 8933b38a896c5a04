package org.daisyjava.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import org.daisyjava.core.Block;

/** {@code check: {builtin: touched, dir: DIR}}: done iff the {@code touch} marker exists. */
final class TouchedCheck implements BlockCheck {
  private final Path dir;

  TouchedCheck(Path dir) {
    if (dir == null) {
      throw new IllegalArgumentException("dir must not be null");
    }
    this.dir = dir;
  }

  @Override
  public boolean isDone(Block block) {
    return Files.exists(DoneMarker.of(dir, block.task(), block.id()));
  }

  @Override
  public String toString() {
    return "check builtin touched in " + dir;
  }
}
