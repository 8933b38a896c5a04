package org.daisyjava.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Makes the Python stream helper ({@code import daisy_stream}) importable by the processes a
 * worker starts. The helper travels inside the worker's jar (the shaded launcher jar included),
 * so it works wherever the jar does — from {@code scripts/daisy-launch}, a job on a compute node,
 * or a test's classpath — without knowing where a project checkout is. It is copied once per JVM
 * into a fresh directory that only this user can read ({@link Files#createTempDirectory} makes
 * it mode 0700), never into a shared, predictable path another user could have prepared, and
 * that directory is put first on {@code PYTHONPATH}.
 */
final class PythonPath {
  static final String MODULE = "daisy_stream.py";
  private static final String RESOURCE = "python/" + MODULE;
  private static final Logger LOG = Logger.getLogger(PythonPath.class.getName());
  private static Path directory;

  private PythonPath() {}

  /** Puts the helper's directory in front of {@code env}'s {@code PYTHONPATH}. */
  static void put(Map<String, String> env) {
    Path dir;
    try {
      dir = directory();
    } catch (IOException | UncheckedIOException e) {
      // a process that does not import the helper must still run
      LOG.warning("cannot provide the Python helper " + MODULE + ": " + e.getMessage());
      return;
    }
    String old = env.get("PYTHONPATH");
    env.put("PYTHONPATH", old == null || old.isEmpty() ? dir.toString() : dir + ":" + old);
  }

  /** The directory holding the helper, made on first use. */
  static synchronized Path directory() throws IOException {
    if (directory != null && Files.isRegularFile(directory.resolve(MODULE))) {
      return directory;
    }
    Path dir = Files.createTempDirectory("daisy-python-");
    Path file = dir.resolve(MODULE);
    try (InputStream in = PythonPath.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException(RESOURCE + " is missing from the worker's jar");
      }
      Files.copy(in, file);
    }
    // removed when the JVM ends; Python may have added a __pycache__ beside the file
    Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir), "daisy-python-cleanup"));
    directory = dir;
    return dir;
  }

  private static void delete(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a leftover temporary directory is harmless
    }
  }
}
