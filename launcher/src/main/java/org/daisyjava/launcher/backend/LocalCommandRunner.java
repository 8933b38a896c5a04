package org.daisyjava.launcher.backend;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs cluster commands as child processes of the launcher. */
public final class LocalCommandRunner implements CommandRunner {
  @Override
  public Result run(List<String> argv, String stdin, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Process p = new ProcessBuilder(argv).start();
    // read both streams at once, each on a thread of its own (not a shared pool that may be busy),
    // so that neither pipe fills up and blocks the command (squeue of a big run prints a lot)
    FutureTask<String> out = drain(p.getInputStream(), argv.get(0) + "-stdout");
    FutureTask<String> err = drain(p.getErrorStream(), argv.get(0) + "-stderr");
    try {
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        // the command exited without reading its input: its exit code and output tell why
      }
      if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new IOException(argv.get(0) + " did not finish within " + timeout.toSeconds() + " s");
      }
      // a child the command left behind may hold the pipes open: do not wait for it forever
      long left = Math.max(TimeUnit.SECONDS.toNanos(5), deadline - System.nanoTime());
      return new Result(p.exitValue(), out.get(left, TimeUnit.NANOSECONDS), err.get(left, TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + argv.get(0), e);
    } catch (ExecutionException e) {
      throw new IOException("cannot read the output of " + argv.get(0), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException(argv.get(0) + " exited but its output did not end within " + timeout.toSeconds() + " s");
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  private static FutureTask<String> drain(InputStream s, String name) {
    FutureTask<String> task = new FutureTask<>(() -> {
      try (s) {
        return new String(s.readAllBytes(), StandardCharsets.UTF_8);
      }
    });
    Thread t = new Thread(task, "drain-" + name);
    t.setDaemon(true);
    t.start();
    return task;
  }
}
