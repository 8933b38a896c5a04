package org.daisyjava.launcher.ssh;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.backend.CommandRunner;
import org.daisyjava.launcher.backend.LocalCommandRunner;
import org.daisyjava.launcher.backend.WorkerCommand;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.run.LaunchException;

/**
 * Where a run's batch commands run: on this machine, or on the login node that {@code --ssh} or
 * {@code ssh:} names. A local backend runs no batch commands, so it ignores {@code ssh:} (one
 * config serves both) but refuses an explicit {@code --ssh}, which would otherwise do nothing.
 */
public final class LoginNode {
  private LoginNode() {}

  /**
   * The runner for the run's batch commands. Over SSH it is connected (host key verified, login
   * accepted: else exit 3) and has shown that the login node sees the run directory and the
   * worker's classpath (else exit 2) — except for {@code --dry-run}, which contacts nobody and
   * only checks that the keys can be loaded. The caller closes it ({@link AutoCloseable}).
   */
  public static CommandRunner runnerFor(PipelineConfig config, String cliSsh, String backend, Path runDir,
      boolean dryRun) throws LaunchException {
    if (backend.equals("local") || backend.equals("external")) {
      if (cliSsh != null) {
        throw new LaunchException(ExitCode.USAGE, "--ssh submits cluster jobs on a login node, but backend "
            + backend + (backend.equals("local") ? " runs its workers here" : " submits nothing")
            + ": use --backend slurm (or lsf) with --ssh");
      }
      return new LocalCommandRunner(); // no batch command ever runs: an ssh: section is not used
    }
    String home = System.getProperty("user.home");
    SshTarget target = SshTarget.resolve(cliSsh, config.ssh(), Path.of(home, ".ssh", "config"),
        System.getProperty("user.name"), home);
    if (target == null) {
      return new LocalCommandRunner();
    }
    String agent = System.getenv("SSH_AUTH_SOCK");
    if (dryRun) {
      return SshCommandRunner.prepare(target, agent);
    }
    SshCommandRunner runner = SshCommandRunner.open(target, agent);
    try {
      List<String> classpath = new ArrayList<>();
      classpath.add(WorkerCommand.ownClasspath());
      for (String entry : config.worker().classpath()) {
        classpath.add(Path.of(entry).toAbsolutePath().toString());
      }
      SharedFileCheck.check(runner, target.toString(), runDir, classpath);
    } catch (LaunchException e) {
      runner.close();
      throw e;
    }
    return runner;
  }
}
