package org.daisyjava.launcher.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The class-data archive (AppCDS; on Java 25 and later an AOT cache, {@code .aot}, which also
 * holds the training's method profiles) that {@code scripts/daisy-launch} made for the workers of
 * this jar and this java, named by the system property {@value #PROPERTY}: a worker JVM given it
 * maps daisy-java's classes ready-made instead of loading them from the jar (about 2,300
 * classes, most of a worker's start; see bench/scripts/phases.sh). {@code scripts/class-data.sh} owns the archives —
 * how they are made, named, checked and kept — and names one only when it is whole.
 *
 * <p>Using one can never break a worker: the JVM ignores an archive that is missing, garbage or
 * made from another jar, classpath or JVM build ({@code -Xshare:auto}, its default), and
 * {@code -Xlog:cds*=off} keeps its warning about that out of the worker's log. What it does not
 * survive is a file cut short with its header intact (SIGBUS while mapping, measured), so a
 * worker gets the archive only while it has the size it had when this launcher started (archives
 * are replaced by rename, never rewritten in place; this guards against anything else). The
 * options come before {@code worker.jvm_options}, so a user's {@code -Xshare:off} or own archive
 * wins. Only a worker that runs this launcher's own java with this launcher's classpath first
 * gets it: the archive was made by that pair. The options are the two {@code class-data.sh} gives
 * the launcher itself.
 *
 * @param archive the archive, if there is one
 * @param size its size in bytes when the launcher started
 */
record WorkerClassData(Optional<Path> archive, long size) {
  static final String PROPERTY = "daisy.worker.class-data";

  /** No archive: workers start as they always did. */
  static final WorkerClassData NONE = new WorkerClassData(Optional.empty(), -1);

  /** The archive the launch script named, if it named one that is a file. */
  static WorkerClassData fromSystemProperties() {
    return of(System.getProperty(PROPERTY));
  }

  /** The archive at {@code path} as it is now, or none for null, blank or no readable file. */
  static WorkerClassData of(String path) {
    if (path == null || path.isBlank()) {
      return NONE;
    }
    Path p = Path.of(path).toAbsolutePath();
    try {
      return Files.isRegularFile(p) && Files.isReadable(p) ? new WorkerClassData(Optional.of(p), Files.size(p)) : NONE;
    } catch (IOException e) {
      return NONE;
    }
  }

  /**
   * The JVM options that map the archive, or none when there is none or it is no longer the
   * file it was (removed or cut since the launcher started: the worker then starts without).
   */
  List<String> jvmOptions() {
    if (archive.isEmpty()) {
      return List.of();
    }
    try {
      if (!Files.isRegularFile(archive.get()) || Files.size(archive.get()) != size) {
        return List.of();
      }
    } catch (IOException e) {
      return List.of();
    }
    if (archive.get().getFileName().toString().endsWith(".aot")) {
      return List.of("-XX:AOTCache=" + archive.get(), "-Xlog:aot*=off", "-Xlog:cds*=off");
    }
    return List.of("-XX:SharedArchiveFile=" + archive.get(), "-Xlog:cds*=off");
  }
}
