package org.daisyjava.worker;

import java.nio.file.Path;
import org.daisyjava.core.BlockCode;

/**
 * Where the {@code touch} builtin leaves a block's done-marker and the {@code touched} check looks
 * for it: {@code DIR/<task>/<block_id>}.
 */
final class DoneMarker {
  private DoneMarker() {}

  static Path of(Path dir, String task, long blockId) {
    if (task.contains("/") || task.equals(".") || task.equals("..")) {
      // the task name is a directory name here: it must not climb out of dir
      throw new IllegalArgumentException("task name '" + task + "' cannot name a marker directory");
    }
    return dir.resolve(task).resolve(Long.toString(blockId));
  }

  /** The {@code dir} option of a {@code touch} or {@code touched} builtin. */
  static Path dirOption(BlockCode code) {
    String dir = code.option("dir", null);
    if (dir == null || dir.isBlank()) {
      throw new IllegalArgumentException("builtin " + code.value() + " needs the option 'dir'");
    }
    return Path.of(dir);
  }
}
