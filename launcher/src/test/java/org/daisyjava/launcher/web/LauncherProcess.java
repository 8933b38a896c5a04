package org.daisyjava.launcher.web;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.daisyjava.launcher.Main;

/**
 * {@code daisy-launch CONFIG} as a separate JVM (its local backend starts real worker JVMs), for
 * the tests of the event stream, the page and the report. Output goes to files in {@code dir}.
 */
public final class LauncherProcess implements AutoCloseable {
  /** Only stops hangs; runs here take seconds. */
  public static final Duration HANG_GUARD = Duration.ofMinutes(3);
  private final Process process;
  private final Path stdout;

  private LauncherProcess(Process process, Path stdout) {
    this.process = process;
    this.stdout = stdout;
  }

  public static LauncherProcess start(Path dir, Path config) throws IOException {
    Path out = dir.resolve("launcher.out");
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), config.toString()))
        .directory(dir.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(out.toFile()).redirectError(dir.resolve("launcher.err").toFile()).start();
    return new LauncherProcess(p, out);
  }

  public String stdout() {
    try {
      return Files.exists(stdout) ? Files.readString(stdout) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** Sends {@code signal} (INT, TERM) to the launcher with kill(1). */
  public void signal(String signal) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
  }

  /** Waits for the launcher to exit; its exit code. */
  public int await() throws InterruptedException {
    if (!process.waitFor(HANG_GUARD.toSeconds(), TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("the launcher did not end: " + stdout());
    }
    return process.exitValue();
  }

  /** Polls {@code condition} until it holds; fails with {@code what} after the hang guard. */
  public static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + HANG_GUARD.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
