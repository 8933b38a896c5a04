package org.daisyjava.launcher.ssh;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.backend.CommandRunner;
import org.daisyjava.launcher.run.LaunchException;

/**
 * Checks, before anything is created or submitted, that the login node sees this machine's
 * files: job scripts are passed by path, and the jobs read the worker jar and write the run
 * directory, so a cluster without a shared file system between here and there cannot work.
 *
 * <p>The run directory may not exist yet (and must not be created before the launch is known to
 * go ahead: a config error leaves no run directory), so the probe file goes into its nearest
 * existing ancestor. It holds a random token and the login node must print the same token back:
 * a file of the same name on a different file system does not pass.
 */
public final class SharedFileCheck {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private SharedFileCheck() {}

  /**
   * Exit 2 if the login node cannot read a probe file beside {@code runDir}, or one of the
   * {@code classpath} entries the jobs will run the worker from.
   */
  public static void check(CommandRunner login, String loginName, Path runDir, List<String> classpath)
      throws LaunchException {
    Path abs = runDir.toAbsolutePath().normalize();
    Path existing = abs;
    while (existing != null && !Files.isDirectory(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      throw new LaunchException(ExitCode.USAGE, "run_dir " + abs + ": no part of it exists");
    }
    byte[] random = new byte[12];
    new SecureRandom().nextBytes(random);
    String token = HexFormat.of().formatHex(random);
    Path probe = existing.resolve(".daisy-probe-" + token);
    try {
      Files.writeString(probe, token + "\n");
    } catch (IOException e) {
      throw new LaunchException(ExitCode.USAGE, "run_dir " + abs + ": cannot write in " + existing + ": "
          + e.getMessage());
    }
    try {
      CommandRunner.Result r = login.run(List.of("cat", "--", probe.toString()), null, TIMEOUT);
      if (!r.ok() || !r.stdout().strip().equals(token)) {
        throw new LaunchException(ExitCode.USAGE, "the run directory " + abs + " is not visible on the login"
            + " node " + loginName + ": it cannot read " + probe + " that this machine just wrote ("
            + (r.ok() ? "it holds something else" : r.message()) + "). Job scripts, logs and the checkpoint"
            + " live there, so run_dir must be on a file system this machine, the login node and the"
            + " compute nodes share (e.g. the cluster's home or project space); nothing was submitted");
      }
    } catch (IOException e) {
      throw new LaunchException(ExitCode.CLUSTER, "cannot check the run directory on " + loginName + ": "
          + e.getMessage());
    } finally {
      try {
        Files.deleteIfExists(probe);
      } catch (IOException e) {
        // a stray probe file is harmless; its name says what it was
      }
    }
    // one command for all entries: sh's for loop prints those it cannot read
    List<String> argv = new ArrayList<>(List.of("sh", "-c",
        "for f do test -r \"$f\" || printf '%s\\n' \"$f\"; done", "daisy-classpath-check"));
    for (String entry : classpath) {
      for (String part : entry.split(File.pathSeparator)) {
        if (!part.isEmpty()) {
          argv.add(part);
        }
      }
    }
    CommandRunner.Result r;
    try {
      r = login.run(argv, null, TIMEOUT);
    } catch (IOException e) {
      throw new LaunchException(ExitCode.CLUSTER, "cannot check the worker jar on " + loginName + ": "
          + e.getMessage());
    }
    if (!r.ok() || !r.stdout().isBlank()) {
      throw new LaunchException(ExitCode.USAGE, "the worker's classpath (by default the launcher's own jar)"
          + " is not visible on the login node " + loginName + ": " + (r.ok()
              ? "cannot read " + String.join(", ", r.stdout().strip().split("\n")) : r.message())
          + ". The compute nodes run the worker from it: put daisy-java's jar (and worker.classpath) on the"
          + " shared file system and run daisy-launch from there; nothing was submitted");
    }
  }
}
