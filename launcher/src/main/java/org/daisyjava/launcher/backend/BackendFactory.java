package org.daisyjava.launcher.backend;

import java.io.PrintStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.daisyjava.core.Block;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.TaskConfig;
import org.daisyjava.launcher.run.LaunchException;
import org.daisyjava.launcher.run.RunDirectory;
import org.daisyjava.scheduler.server.BlockChecker;
import org.daisyjava.scheduler.server.SchedulerServer;
import org.daisyjava.worker.BlockCheck;
import org.daisyjava.worker.BlockChecks;

/** Makes the backend of a run and answers what the launch needs to know before it starts. */
public interface BackendFactory {
  /** The backend named on the command line or in the config (see {@link BackendRegistry}). */
  static BackendFactory forName(String name) throws LaunchException {
    return BackendRegistry.factory(name);
  }

  /** The same, its batch commands run by {@code runner} (on a login node, with --ssh or ssh:). */
  static BackendFactory forName(String name, CommandRunner runner) throws LaunchException {
    return BackendRegistry.factory(name, runner);
  }

  /** True if workers bring their own block function (the Java API's in-process workers). */
  default boolean bringsOwnCode() {
    return false;
  }

  /**
   * False if this backend starts no worker at all (every task waits for workers started
   * elsewhere, {@link ExternalWorkers}); a task of {@code num_workers: 0} waits so with any backend.
   */
  default boolean startsWorkers() {
    return true;
  }

  /** The batch system this backend's jobs go to, or null (workers on this machine, or none). */
  default GridExecutor grid() {
    return null;
  }

  /** The interface the scheduler binds: loopback for local workers, all for a cluster. */
  String bindHost();

  /** Fails before anything is created if the backend cannot work here (e.g. no sbatch). */
  default void checkAvailable(PipelineConfig config) throws LaunchException {}

  /** {@code --dry-run}: shows what would be started or submitted; returns the exit code. */
  int dryRun(PipelineConfig config, RunDirectory dir, PrintStream out) throws LaunchException;

  Backend create(PipelineConfig config, RunDirectory dir, SchedulerServer server, int port, String key)
      throws LaunchException;

  /**
   * A task's {@code check:} as the scheduler runs it (class checks load from worker.classpath),
   * or null if the task has none.
   */
  default BlockChecker checker(TaskConfig task, RunDirectory dir, List<String> classpath) {
    if (task.check() == null) {
      return null;
    }
    List<URL> urls = new ArrayList<>();
    for (String entry : classpath) {
      try {
        urls.add(Path.of(entry).toAbsolutePath().toUri().toURL());
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException("worker.classpath entry " + entry + ": " + e.getMessage(), e);
      }
    }
    ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), BackendFactory.class.getClassLoader());
    BlockCheck check = BlockChecks.create(task.check(), dir.root(), loader);
    return (Block b) -> check.isDone(b);
  }
}
