package org.daisyjava.launcher.it.slurm;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code daisy-launch} as a process of its own ({@code java -cp <this test's classpath>
 * org.daisyjava.launcher.Main --backend slurm ...}), its output in files, and helpers to wait on
 * what it and its jobs leave in the file system. The LSF tests use it too, with the LSF stand-in
 * first on the launcher's PATH.
 */
public final class LauncherRun {
  /** The JDK running the tests: the launcher and the worker jobs use it too (same machine). */
  public static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  /** Worker JVMs: small and quick to start (2 cores, several JVMs at once). */
  public static final String WORKER_JVM_OPTIONS = "[-Xmx128m, -XX:+UseSerialGC, -XX:TieredStopAtLevel=1]";

  public final Process process;
  final Path stdout;
  final Path stderr;
  final long startedNanos = System.nanoTime();

  private LauncherRun(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Starts {@code daisy-launch --backend slurm OPTIONS CONFIG}; output goes to {@code dir/label.out|err}. */
  static LauncherRun start(Path dir, String label, Path config, String... options) throws IOException {
    return start("slurm", java.util.Map.of(), dir, label, config, options);
  }

  /** Starts {@code daisy-launch --backend BACKEND OPTIONS CONFIG} with {@code env} added to its environment. */
  public static LauncherRun start(String backend, java.util.Map<String, String> env, Path dir, String label,
      Path config, String... options) throws IOException {
    return start(null, backend, env, dir, label, config, options);
  }

  /** As {@link #start(String, java.util.Map, Path, String, Path, String...)}, for {@code daisy-launch COMMAND}. */
  public static LauncherRun start(String command, String backend, java.util.Map<String, String> env, Path dir,
      String label, Path config, String... options) throws IOException {
    List<String> argv = new ArrayList<>(List.of(JAVA, "-Xmx256m", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"), "org.daisyjava.launcher.Main"));
    if (command != null) {
      argv.add(command);
    }
    argv.addAll(List.of("--backend", backend));
    argv.addAll(List.of(options));
    argv.add(config.toString());
    Path out = dir.resolve(label + ".out");
    Path err = dir.resolve(label + ".err");
    ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(env);
    return new LauncherRun(pb.start(), out, err);
  }

  /** Waits for the launcher to exit; a launcher still running after {@code timeout} is killed and the test fails. */
  public int awaitExit(Duration timeout) throws InterruptedException, IOException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
      fail("daisy-launch did not finish within " + timeout + "\n" + output());
    }
    return process.exitValue();
  }

  /** Makes sure the launcher is gone (cleanup). */
  public void kill() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  public String stdout() throws IOException {
    return Files.readString(stdout);
  }

  public String stderr() throws IOException {
    return Files.readString(stderr);
  }

  /** Both streams, for failure messages. */
  public String output() throws IOException {
    return "--- daisy-launch stdout:\n" + stdout() + "--- stderr:\n" + stderr();
  }

  public double secondsSinceStart() {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  /** Polls {@code condition} every 50 ms; fails (after killing the launcher) if it does not hold within {@code timeout}. */
  public void await(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        kill();
        fail("waited " + timeout + " for " + what + "\n" + output());
      }
      if (!process.isAlive() && !condition.call()) {
        fail("daisy-launch exited (code " + process.exitValue() + ") before " + what + "\n" + output());
      }
      Thread.sleep(50);
    }
  }

  /** The lines of a file that may not exist yet. */
  public static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }

  private static final Pattern STATUS_CALLS =
      Pattern.compile("job status calls: (\\d+) in ([0-9.]+) min \\(([0-9.]+) per minute\\)");

  /** The launcher's own count of squeue calls (logged at the end of the run), or null. */
  public static StatusCalls statusCalls(Path runDir) throws IOException {
    Path log = runDir.resolve("daisy-launch.log");
    StatusCalls last = null;
    for (String line : lines(log)) {
      Matcher m = STATUS_CALLS.matcher(line);
      if (m.find()) {
        last = new StatusCalls(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)));
      }
    }
    return last;
  }

  /** "job status calls: N in M min (R per minute)". */
  public record StatusCalls(long calls, double minutes, double perMinute) {}
}
