package org.daisyjava.launcher.it.lsf;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The LSF the tests run against. By default the test stand-in for bsub/bjobs/bkill/bparams
 * ({@code src/test/resources/lsf-standin/}, named and commented as such: it is not LSF), copied
 * into the test's directory and put first on the launcher's PATH, with its own state directory.
 * With {@code DAISY_LSF_REAL=1} the real commands on PATH are used instead (on an LSF head node).
 */
final class LsfCluster {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
  private static final List<String> STANDIN = List.of("bsub", "bjobs", "bkill", "bparams", "lsf_standin.py");

  /** The environment additions for every process that talks to this LSF (the launcher, the test). */
  final Map<String, String> env;
  final boolean real;

  private LsfCluster(Map<String, String> env, boolean real) {
    this.env = env;
    this.real = real;
  }

  /** The stand-in in {@code dir} (or the real LSF); skips the test if python3 or real LSF is missing. */
  static LsfCluster in(Path dir) throws IOException {
    if ("1".equals(System.getenv("DAISY_LSF_REAL"))) {
      LsfCluster c = new LsfCluster(Map.of(), true);
      try {
        c.run("bparams");
      } catch (IOException e) {
        fail("DAISY_LSF_REAL=1 but LSF's commands cannot run here: " + e.getMessage());
      }
      return c;
    }
    Path bin = dir.resolve("lsf-standin");
    Files.createDirectories(bin);
    for (String name : STANDIN) {
      try (InputStream in = LsfCluster.class.getClassLoader().getResourceAsStream("lsf-standin/" + name)) {
        if (in == null) {
          throw new IOException("lsf-standin/" + name + " is missing from the test classpath");
        }
        Path to = bin.resolve(name);
        Files.write(to, in.readAllBytes());
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    LsfCluster c = new LsfCluster(Map.of(
        "PATH", bin + ":" + System.getenv("PATH"),
        "DAISY_LSF_STANDIN_STATE", dir.resolve("lsf-state").toString()), false);
    try {
      c.run("python3", "--version");
    } catch (IOException e) {
      Assumptions.abort("the LSF stand-in needs python3: " + e.getMessage());
    }
    return c;
  }

  /** What a command printed (both streams) and how it ended. */
  record Output(int exitCode, String text) {}

  Output run(String... argv) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(env);
    if (!real && STANDIN.contains(argv[0])) {
      pb.command().set(0, Path.of(env.get("PATH").split(":")[0], argv[0]).toString());
    }
    Process p = pb.start();
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

  /** A job (array element) that has not finished. */
  record Job(String id, String name, String state) {
    @Override
    public String toString() {
      return id + " " + name + " " + state;
    }
  }

  /** Every unfinished job whose name starts with {@code prefix}, one per array element. */
  List<Job> jobs(String prefix) throws IOException {
    Output o = run("bjobs", "-noheader", "-o", "jobid jobindex stat job_name delimiter='|'");
    List<Job> out = new ArrayList<>();
    for (String line : o.text().split("\n")) {
      String[] f = line.strip().split("\\|");
      if (f.length == 4 && f[3].startsWith(prefix)) {
        out.add(new Job(f[1].equals("0") ? f[0] : f[0] + "[" + f[1] + "]", f[3], f[2]));
      }
    }
    return out;
  }

  /** Cleanup: kills every job named {@code prefix...} and waits (up to two minutes) until none is left. */
  void cancelAll(String prefix) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    List<Job> now = jobs(prefix);
    while (!now.isEmpty()) {
      Set<String> names = new LinkedHashSet<>();
      now.forEach(j -> names.add(j.name().replaceFirst("\\[\\d+]$", "")));
      for (String name : names) {
        run("bkill", "-J", name, "0");
      }
      if (System.nanoTime() > deadline) {
        fail("jobs still there two minutes after bkill: " + now);
      }
      Thread.sleep(500);
      now = jobs(prefix);
    }
  }
}
