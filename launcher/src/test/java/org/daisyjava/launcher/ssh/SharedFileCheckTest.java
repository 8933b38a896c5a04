package org.daisyjava.launcher.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.backend.CommandRunner;
import org.daisyjava.launcher.backend.LocalCommandRunner;
import org.daisyjava.launcher.config.ConfigLoader;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.run.LaunchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run-dir and classpath visibility check. A login node that sees this machine's files is
 * this machine itself (the commands run locally); one that does not is simulated by running the
 * commands in a directory tree where the paths do not exist (a prefix the runner adds: the
 * same paths, another file system).
 */
class SharedFileCheckTest {
  @TempDir Path tmp;

  @Test
  void aLoginNodeThatSeesTheFilesPassesAndTheProbeFileIsGone() throws Exception {
    Path runDir = tmp.resolve("runs/new-run");
    SharedFileCheck.check(new LocalCommandRunner(), "here", runDir, List.of(System.getProperty("java.home")));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(), s.toList(), "no probe file left, no run directory created");
    }
  }

  /** Runs each command with every absolute path argument moved under another root. */
  private CommandRunner elsewhere(Path otherRoot) {
    LocalCommandRunner local = new LocalCommandRunner();
    return (argv, stdin, timeout) -> local.run(argv.stream()
        .map(a -> a.startsWith("/") && !a.startsWith("/bin") && !a.startsWith("/usr") ? otherRoot + a : a)
        .toList(), stdin, timeout);
  }

  @Test
  void aRunDirectoryTheLoginNodeCannotSeeIsExit2() throws Exception {
    Path other = Files.createDirectories(tmp.resolve("other-fs"));
    LaunchException e = assertThrows(LaunchException.class,
        () -> SharedFileCheck.check(elsewhere(other), "login1", tmp.resolve("run"), List.of()));
    assertEquals(ExitCode.USAGE, e.exitCode());
    assertTrue(e.getMessage().startsWith("the run directory " + tmp.resolve("run") + " is not visible on the login"
        + " node login1"), e.getMessage());
    assertTrue(e.getMessage().contains("nothing was submitted"), e.getMessage());
  }

  @Test
  void aWorkerJarTheLoginNodeCannotSeeIsExit2NamingIt() throws Exception {
    Path jar = Files.writeString(tmp.resolve("daisy-java.jar"), "jar");
    Path other = Files.createDirectories(tmp.resolve("other-fs"));
    // the run directory's probe is seen (same tree), the jar is not (only it is moved away)
    LocalCommandRunner local = new LocalCommandRunner();
    CommandRunner jarElsewhere = (argv, stdin, timeout) -> local.run(argv.stream()
        .map(a -> a.equals(jar.toString()) ? other + a : a).toList(), stdin, timeout);
    LaunchException e = assertThrows(LaunchException.class,
        () -> SharedFileCheck.check(jarElsewhere, "login1", tmp.resolve("run"), List.of(jar.toString())));
    assertEquals(ExitCode.USAGE, e.exitCode());
    assertTrue(e.getMessage().contains("cannot read " + other + jar), e.getMessage());
    assertTrue(e.getMessage().contains("launcher's own jar"), e.getMessage());
  }

  @Test
  void sshWithALocalBackendIsAUsageErrorAndAnSshSectionIsIgnoredByIt() throws Exception {
    PipelineConfig config = ConfigLoader.parse("""
        name: t
        backend: local
        ssh: {host: login1}
        tasks:
          - {name: a, total_roi: {offset: [0], shape: [10]}, read_roi: {offset: [0], shape: [10]},
             write_roi: {offset: [0], shape: [10]}, process: {command: "true"}}
        """, "t.yaml", tmp, "t");
    assertTrue(LoginNode.runnerFor(config, null, "local", tmp.resolve("run"), false) instanceof LocalCommandRunner);
    LaunchException e = assertThrows(LaunchException.class,
        () -> LoginNode.runnerFor(config, "login1", "local", tmp.resolve("run"), false));
    assertEquals(ExitCode.USAGE, e.exitCode());
  }
}
