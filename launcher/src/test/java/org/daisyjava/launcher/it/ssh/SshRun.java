package org.daisyjava.launcher.it.ssh;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code daisy-launch --backend slurm --ssh ...} as a process of its own, with a PATH in which no
 * batch command exists: whatever it submits, polls or cancels can only have gone through SSH.
 * Also the local SLURM's queue as seen by squeue, for the no-job-left checks.
 */
final class SshRun {
  static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  static final String WORKER_JVM_OPTIONS = "[-Xmx128m, -XX:+UseSerialGC, -XX:TieredStopAtLevel=1]";

  final Process process;
  final Path stdout;
  final Path stderr;

  private SshRun(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static SshRun start(Path dir, String label, Path config, String... options) throws IOException {
    return start(dir, label, config, false, options);
  }

  /** The same with the usual PATH, batch commands run here (no SSH). */
  static SshRun startWithPath(Path dir, String label, Path config, String... options) throws IOException {
    return start(dir, label, config, true, options);
  }

  /** {@code daisy-launch doctor --backend slurm OPTIONS CONFIG}, with no batch command on the PATH. */
  static SshRun doctor(Path dir, String label, Path config, String... options) throws IOException {
    return start(dir, label, config, false, "doctor", options);
  }

  private static SshRun start(Path dir, String label, Path config, boolean localBatch, String... options)
      throws IOException {
    return start(dir, label, config, localBatch, null, options);
  }

  private static SshRun start(Path dir, String label, Path config, boolean localBatch, String command,
      String... options) throws IOException {
    List<String> argv = new ArrayList<>(List.of(JAVA, "-Xmx256m", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"), "org.daisyjava.launcher.Main"));
    if (command != null) {
      argv.add(command);
    }
    argv.addAll(List.of("--backend", "slurm"));
    argv.addAll(List.of(options));
    argv.add(config.toString());
    Path out = dir.resolve(label + ".out");
    Path err = dir.resolve(label + ".err");
    ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    if (!localBatch) {
      // no sbatch, squeue or scancel on this side
      pb.environment().put("PATH", dir.resolve("no-batch-commands-here").toString());
    }
    pb.environment().remove("SSH_AUTH_SOCK");
    return new SshRun(pb.start(), out, err);
  }

  int awaitExit(Duration timeout) throws InterruptedException, IOException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
      fail("daisy-launch did not finish within " + timeout + "\n" + output());
    }
    return process.exitValue();
  }

  void kill() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  String stderr() throws IOException {
    return Files.readString(stderr);
  }

  String output() throws IOException {
    return "--- daisy-launch stdout:\n" + Files.readString(stdout) + "--- stderr:\n" + stderr();
  }

  static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }

  /** Skips (or, with DAISY_REQUIRE_SLURM=1, fails) the test unless the local SLURM answers. */
  static void requireSlurm() throws InterruptedException {
    String why;
    try {
      Process p = new ProcessBuilder("sinfo", "--noheader", "--format=%T").redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      why = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 && !text.isBlank() ? null : "sinfo: " + text.strip();
    } catch (IOException e) {
      why = "sinfo cannot run: " + e.getMessage();
    }
    if (why == null) {
      return;
    }
    if ("1".equals(System.getenv("DAISY_REQUIRE_SLURM"))) {
      fail("DAISY_REQUIRE_SLURM=1 but SLURM is not usable: " + why);
    }
    org.junit.jupiter.api.Assumptions.abort("SLURM is not usable here (" + why + ")");
  }

  /** Job names in the local queue that start with {@code prefix}. */
  static List<String> queued(String prefix) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("squeue", "--noheader", "--array", "--format=%i|%j").redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("squeue failed: " + text);
    }
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] f = line.strip().split("\\|");
      if (f.length == 2 && f[1].startsWith(prefix)) {
        out.add(line.strip());
      }
    }
    return out;
  }

  /** Cleanup: cancels whatever a failed test left queued under {@code prefix}. */
  static void cancelAll(String prefix) throws IOException, InterruptedException {
    for (String job : queued(prefix)) {
      new ProcessBuilder("scancel", job.split("\\|")[0]).start().waitFor(60, TimeUnit.SECONDS);
    }
  }
}
