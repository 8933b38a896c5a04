package org.daisyjava.persistence;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every chunk and metadata file is written to a temporary name in its own directory and renamed
 * over the target: a reader (or a resumed run) sees the old file or the new one, never a torn
 * one, however the writer dies. Temporary names start with {@code .} and end with {@code .tmp}
 * (zarr-python and zarrita list only chunk keys, so a leftover of a killed writer is ignored by
 * them and overwritten by nobody; it is garbage, never data).
 */
final class AtomicFiles {
  private AtomicFiles() {}

  static void write(Path target, byte[] bytes) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve("." + target.getFileName() + "."
        + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    try {
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new ZarrException("cannot rename " + tmp + " over " + target
            + " atomically on this file system", e);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes {@code target} only if no file of that name exists; false if one did. */
  static boolean createNew(Path target, byte[] bytes) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve("." + target.getFileName() + "."
        + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    try {
      Files.write(tmp, bytes);
      try {
        // a hard link fails if the target exists: the first of racing creators wins, whole
        Files.createLink(target, tmp);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      } catch (UnsupportedOperationException e) {
        if (Files.exists(target)) {
          return false;
        }
        write(target, bytes);
        return true;
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
