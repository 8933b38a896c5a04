package org.daisyjava.launcher.it.lsf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.daisyjava.launcher.it.slurm.LauncherRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code daisy-launch doctor --backend lsf} against the LSF test stand-in, with a status command
 * slower than the probe's wait for a pong ({@code bjobs} over SSH to a loaded login node can
 * be): the head must answer the probe while the status command runs, or the table would call a
 * reachable address unreachable.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class LsfDoctorTest {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
  /** Longer than the probe's 5 s wait for each answer. */
  private static final int SLOW_SECONDS = 8;

  @TempDir Path tmp;

  @Test
  void aReachableAddressIsReachableWhileTheStatusCommandIsSlow() throws Exception {
    LsfCluster lsf = LsfCluster.in(tmp);
    String name = "it-doctor-" + UUID.randomUUID().toString().substring(0, 6);
    Path config = tmp.resolve(name + ".yaml");
    Files.writeString(config, """
        name: %s
        run_dir: "%s"
        scheduler: {host: 127.0.0.1}
        worker: {java: "%s", jvm_options: %s}
        lsf: {poll_interval: 1s, mem: 200M, cores: 1}
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [40]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            process: {command: "true"}
        """.formatted(name, tmp.resolve("run"), LauncherRun.JAVA, LauncherRun.WORKER_JVM_OPTIONS));
    // the doctor's first bjobs takes SLOW_SECONDS, as the probe starts and pings
    Path slowBin = Files.createDirectories(tmp.resolve("slow-bin"));
    Path slowDone = tmp.resolve("slow-call-made");
    Path standinBjobs = Path.of(lsf.env.get("PATH").split(":")[0], "bjobs");
    Path bjobs = slowBin.resolve("bjobs");
    Files.writeString(bjobs, """
        #!/bin/sh
        if [ ! -e '%s' ]; then touch '%s'; sleep %d; fi
        exec '%s' "$@"
        """.formatted(slowDone, slowDone, SLOW_SECONDS, standinBjobs));
    Files.setPosixFilePermissions(bjobs, PosixFilePermissions.fromString("rwxr-xr-x"));
    Map<String, String> env = new HashMap<>(lsf.env);
    env.put("PATH", slowBin + ":" + lsf.env.get("PATH"));

    LauncherRun r = LauncherRun.start("doctor", "lsf", env, tmp, "doctor", config);
    try {
      int code = r.awaitExit(RUN_TIMEOUT);
      String out = r.stdout();
      assertEquals(0, code, r.output());
      assertTrue(Files.exists(slowDone), "the slow status command ran");
      assertTrue(out.matches("(?s).*tcp://127\\.0\\.0\\.1:\\d+ +reachable \\(answered in \\d+ ms\\).*"), out);
      assertEquals(List.of(), lsf.jobs("daisy-doctor-" + name), "no probe job left");
      System.out.printf("[lsf-doctor] %.1f s%n%s%n%s%n", r.secondsSinceStart(), out, r.stderr());
    } finally {
      r.kill();
      lsf.cancelAll("daisy-doctor-" + name);
    }
  }
}
