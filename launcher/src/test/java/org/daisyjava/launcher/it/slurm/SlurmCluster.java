package org.daisyjava.launcher.it.slurm;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real SLURM of this machine (scripts/local-slurm.sh), seen through its own commands. Tests
 * call {@link #require()} first: with {@code DAISY_REQUIRE_SLURM=1} (CI) a missing or unusable
 * cluster fails the test, otherwise it skips it.
 */
final class SlurmCluster {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
  private static volatile String unavailable;
  private static volatile boolean checked;

  private SlurmCluster() {}

  /** What a command printed and how it ended. */
  record Output(int exitCode, String text) {}

  /** Fails (CI) or skips the test unless sinfo answers and the node can run jobs. */
  static void require() {
    if (!checked) {
      unavailable = probe();
      checked = true;
    }
    if (unavailable == null) {
      return;
    }
    if ("1".equals(System.getenv("DAISY_REQUIRE_SLURM"))) {
      fail("DAISY_REQUIRE_SLURM=1 but SLURM is not usable here: " + unavailable
          + " (start it with scripts/local-slurm.sh start)");
    }
    Assumptions.abort("SLURM is not usable here (" + unavailable + "); set DAISY_REQUIRE_SLURM=1 to fail instead");
  }

  /** Null if usable, else why not. */
  private static String probe() {
    Output o;
    try {
      o = run("sinfo", "--noheader", "--format=%T");
    } catch (IOException e) {
      return "sinfo cannot run: " + e.getMessage();
    }
    if (o.exitCode != 0) {
      return "sinfo failed (exit code " + o.exitCode + "): " + o.text.strip();
    }
    for (String state : o.text.split("\\s+")) {
      String s = state.replaceAll("[*~#!%$@^-]+$", "");
      if (s.equals("idle") || s.equals("mixed") || s.equals("allocated") || s.equals("completing")) {
        return null;
      }
    }
    return "no node can take jobs (sinfo says: " + o.text.strip() + ")";
  }

  static Output run(String... argv) throws IOException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(argv[0] + " did not finish within " + COMMAND_TIMEOUT);
      }
      return new Output(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** A job (array element) in the queue. */
  record Job(String id, String name, String state) {
    @Override
    public String toString() {
      return id + " " + name + " " + state;
    }
  }

  /** Every queued or running job whose name starts with {@code prefix}, one per array element. */
  static List<Job> jobs(String prefix) throws IOException {
    Output o = run("squeue", "--noheader", "--array", "--format=%i|%j|%t");
    if (o.exitCode != 0) {
      throw new IOException("squeue failed: " + o.text);
    }
    List<Job> out = new ArrayList<>();
    for (String line : o.text.split("\n")) {
      String[] f = line.strip().split("\\|");
      if (f.length == 3 && f[1].startsWith(prefix)) {
        out.add(new Job(f[0], f[1], f[2]));
      }
    }
    return out;
  }

  /**
   * Cleanup after a test: cancels every job named {@code prefix...} and waits (up to two
   * minutes) until the queue shows none of them. Returns what was still there at the start.
   */
  static List<Job> cancelAll(String prefix) throws IOException, InterruptedException {
    List<Job> left = jobs(prefix);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    List<Job> now = left;
    while (!now.isEmpty()) {
      Set<String> names = new LinkedHashSet<>();
      now.forEach(j -> names.add(j.name()));
      for (String name : names) {
        run("scancel", "--name=" + name);
      }
      if (System.nanoTime() > deadline) {
        fail("jobs still queued two minutes after scancel: " + now);
      }
      Thread.sleep(500);
      now = jobs(prefix);
    }
    return left;
  }
}
