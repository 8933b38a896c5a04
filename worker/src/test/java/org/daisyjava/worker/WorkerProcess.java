package org.daisyjava.worker;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * daisy-worker as its own process, as a job script starts it, serving task {@code t} of a
 * {@link FakeScheduler}: stdout to {@code dir/worker.out}, stderr (its log) to {@code dir/worker.err}.
 */
final class WorkerProcess {
  private WorkerProcess() {}

  /**
   * @param wrapper what runs the JVM (e.g. a shell that sets up signals and execs it), or empty
   * @param options more daisy-worker options
   */
  static Process start(FakeScheduler scheduler, Path dir, List<String> wrapper, String... options)
      throws IOException {
    return start(scheduler, dir, wrapper, List.of(), options);
  }

  /** @param jvmOptions options of the worker's JVM, such as system properties */
  static Process start(FakeScheduler scheduler, Path dir, List<String> wrapper, List<String> jvmOptions,
      String... options) throws IOException {
    List<String> argv = new ArrayList<>(wrapper);
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(jvmOptions);
    argv.addAll(List.of("-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
        "--connect", scheduler.address(), "--task", "t", "--run-dir", dir.toString()));
    argv.addAll(List.of(options));
    return new ProcessBuilder(argv)
        .redirectOutput(dir.resolve("worker.out").toFile())
        .redirectError(dir.resolve("worker.err").toFile())
        .start();
  }

  /** Sends {@code signal} (a name: TERM, USR1) to process {@code pid}, as a batch system would. */
  static void signal(String signal, long pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -" + signal + " " + pid + " failed");
    }
  }
}
