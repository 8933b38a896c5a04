package org.daisyjava.launcher.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.backend.CommandRunner;
import org.daisyjava.launcher.config.SshSettings;
import org.daisyjava.launcher.run.LaunchException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SSH runner against the real loopback sshd of scripts/local-sshd.sh. */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class SshCommandRunnerTest {
  private static final Duration T = Duration.ofSeconds(60);
  @TempDir Path tmp;

  @BeforeEach
  void sshd() {
    LocalSshd.require();
  }

  private static SshTarget target(Path key, Path knownHosts) throws LaunchException {
    return SshTarget.resolve("root@127.0.0.1:" + LocalSshd.port(),
        new SshSettings("ignored", null, null, key, knownHosts), Path.of("/nonexistent/ssh_config"), "nobody",
        "/nonexistent-home");
  }

  @Test
  void commandsRunOnTheLoginNodeOverOneSessionWithArgumentsStdinAndExitCodesIntact() throws Exception {
    try (SshCommandRunner r = SshCommandRunner.open(target(LocalSshd.clientKey("ed25519"), LocalSshd.knownHosts()), null)) {
      CommandRunner.Result a = r.run(List.of("printf", "%s|", "a b", "it's", "$HOME", "`id`", ""), null, T);
      assertEquals(new CommandRunner.Result(0, "a b|it's|$HOME|`id`||", ""), a);
      CommandRunner.Result b = r.run(List.of("cat"), "line 1\nline 2\n", T);
      assertEquals("line 1\nline 2\n", b.stdout());
      CommandRunner.Result c = r.run(List.of("sh", "-c", "echo to-stderr >&2; exit 7"), null, T);
      assertEquals(7, c.exitCode());
      assertEquals("to-stderr\n", c.stderr());
      CommandRunner.Result d = r.run(List.of("cat"), null, T);
      assertEquals(new CommandRunner.Result(0, "", ""), d, "no stdin reads as empty input, not as a hang");
      assertEquals(1, r.connects(), "one session for every command");
    }
    List<String> log = LocalSshd.commands();
    assertTrue(log.stream().anyMatch(l -> l.endsWith(" printf '%s|' 'a b' 'it'\\''s' '$HOME' '`id`' ''")),
        "the sshd ran the shell-quoted command line: " + log.subList(Math.max(0, log.size() - 5), log.size()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ed25519", "rsa", "ecdsa"})
  void keysOfEachTypeLogIn(String type) throws Exception {
    try (SshCommandRunner r = SshCommandRunner.open(target(LocalSshd.clientKey(type), LocalSshd.knownHosts()), null)) {
      assertEquals("root\n", r.run(List.of("id", "-un"), null, T).stdout());
    }
  }

  @Test
  void hashedKnownHostsEntriesAreMatched() throws Exception {
    Path kh = tmp.resolve("known_hosts");
    Files.copy(LocalSshd.knownHosts(), kh);
    LocalSshd.run("ssh-keygen", "-q", "-H", "-f", kh.toString());
    String text = Files.readString(kh);
    assertTrue(text.startsWith("|1|") && !text.contains("127.0.0.1"), "hashed: " + text);
    try (SshCommandRunner r = SshCommandRunner.open(target(LocalSshd.clientKey("ed25519"), kh), null)) {
      assertTrue(r.run(List.of("true"), null, T).ok());
    }
  }

  @Test
  void aChangedHostKeyIsRefusedWithTheHostAndTheFingerprintAndNothingRuns() throws Exception {
    Path other = tmp.resolve("other");
    LocalSshd.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString());
    Path kh = tmp.resolve("known_hosts");
    String otherKey = Files.readString(tmp.resolve("other.pub")).split(" ")[1];
    Files.writeString(kh, "[127.0.0.1]:" + LocalSshd.port() + " ssh-ed25519 " + otherKey + "\n");
    int before = LocalSshd.commands().size();
    LaunchException e = assertThrows(LaunchException.class,
        () -> SshCommandRunner.open(target(LocalSshd.clientKey("ed25519"), kh), null));
    assertEquals(ExitCode.CLUSTER, e.exitCode());
    assertTrue(e.getMessage().contains("[127.0.0.1]:" + LocalSshd.port()), e.getMessage());
    assertTrue(e.getMessage().contains("CHANGED"), e.getMessage());
    assertTrue(e.getMessage().contains(LocalSshd.hostKeyFingerprint("ed25519")), e.getMessage());
    assertEquals(before, LocalSshd.commands().size(), "no command ran");
    assertEquals(1, Files.readAllLines(kh).size(), "known_hosts is never written to");
  }

  @Test
  void anUnknownHostIsRefusedWithTheFingerprintOfTheKeyItPresented() throws Exception {
    Path kh = tmp.resolve("known_hosts");
    Files.writeString(kh, "");
    LaunchException e = assertThrows(LaunchException.class,
        () -> SshCommandRunner.open(target(LocalSshd.clientKey("ed25519"), kh), null));
    assertEquals(ExitCode.CLUSTER, e.exitCode());
    String m = e.getMessage();
    assertTrue(m.contains("is not in " + kh), m);
    boolean named = false;
    for (String type : List.of("ed25519", "ecdsa", "rsa")) {
      named |= m.contains(LocalSshd.hostKeyFingerprint(type));
    }
    assertTrue(named, "one of the server's fingerprints: " + m);
    assertEquals("", Files.readString(kh), "the key was not added");
  }

  @Test
  void aMissingKnownHostsFileMeansEveryKeyIsUnknown() throws Exception {
    Path kh = tmp.resolve("no_known_hosts");
    LaunchException e = assertThrows(LaunchException.class,
        () -> SshCommandRunner.open(target(LocalSshd.clientKey("ed25519"), kh), null));
    assertEquals(ExitCode.CLUSTER, e.exitCode());
    assertTrue(e.getMessage().contains("is not in " + kh) && e.getMessage().contains("SHA256:"), e.getMessage());
    assertFalse(Files.exists(kh), "not created");
  }

  @Test
  void aMissingIdentityFileIsAConfigError() {
    Path missing = tmp.resolve("no_such_key");
    LaunchException e = assertThrows(LaunchException.class,
        () -> SshCommandRunner.open(target(missing, LocalSshd.knownHosts()), null));
    assertEquals(ExitCode.USAGE, e.exitCode());
    assertTrue(e.getMessage().contains(missing + " does not exist"), e.getMessage());
  }

  @Test
  void anEncryptedKeyWithoutAnAgentIsAConfigErrorThatSaysWhatToDo() {
    Path key = LocalSshd.clientKey("ed25519_encrypted");
    LaunchException e = assertThrows(LaunchException.class,
        () -> SshCommandRunner.open(target(key, LocalSshd.knownHosts()), null));
    assertEquals(ExitCode.USAGE, e.exitCode());
    assertTrue(e.getMessage().contains(key + " is encrypted") && e.getMessage().contains("ssh-add"), e.getMessage());
  }

  /** The same encrypted key works once it is in an ssh-agent (one this test starts and stops). */
  @Test
  void anEncryptedKeyWorksThroughSshAgent() throws Exception {
    Path key = LocalSshd.clientKey("ed25519_encrypted");
    Path sock = tmp.resolve("agent.sock");
    Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", sock.toString()).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("agent.log").toFile()).start();
    try {
      for (int i = 0; i < 200 && !Files.exists(sock); i++) {
        Thread.sleep(50);
      }
      Path askpass = tmp.resolve("askpass.sh");
      Files.writeString(askpass, "#!/bin/sh\ncat '" + key + ".passphrase'\n");
      askpass.toFile().setExecutable(true);
      ProcessBuilder add = new ProcessBuilder("ssh-add", key.toString()).redirectErrorStream(true);
      add.environment().putAll(java.util.Map.of("SSH_AUTH_SOCK", sock.toString(), "SSH_ASKPASS", askpass.toString(),
          "SSH_ASKPASS_REQUIRE", "force", "DISPLAY", ":0"));
      Process p = add.start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), "ssh-add: " + out);
      try (SshCommandRunner r = SshCommandRunner.open(target(key, LocalSshd.knownHosts()), sock.toString())) {
        assertEquals("root\n", r.run(List.of("id", "-un"), null, T).stdout());
      }
    } finally {
      agent.destroy();
      agent.waitFor();
    }
  }

  @Test
  void aCommandThatOutlivesItsTimeoutFailsAndTheSessionStaysUsable() throws Exception {
    try (SshCommandRunner r = SshCommandRunner.open(target(LocalSshd.clientKey("ed25519"), LocalSshd.knownHosts()), null)) {
      java.io.IOException e = assertThrows(java.io.IOException.class,
          () -> r.run(List.of("sleep", "30"), null, Duration.ofSeconds(1)));
      assertTrue(e.getMessage().contains("sleep on 127.0.0.1 did not finish within 1 s"), e.getMessage());
      assertEquals("ok\n", r.run(List.of("echo", "ok"), null, T).stdout());
      assertEquals(1, r.connects());
    }
  }

  @Test
  void aPortNobodyListensOnIsExit3AfterItsRetries() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    SshTarget t = SshTarget.resolve("root@127.0.0.1:" + port,
        new SshSettings("x", null, null, LocalSshd.clientKey("ed25519"), LocalSshd.knownHosts()),
        Path.of("/nonexistent"), "nobody", "/nonexistent-home");
    LaunchException e = assertThrows(LaunchException.class, () -> SshCommandRunner.open(t, null));
    assertEquals(ExitCode.CLUSTER, e.exitCode());
    assertTrue(e.getMessage().contains("cannot connect to root@127.0.0.1:" + port), e.getMessage());
  }

  @Test
  void aHostAliasOfTheSshConfigSuppliesHostNamePortUserAndKey() throws Exception {
    Path config = tmp.resolve("config");
    Files.writeString(config, """
        Host login-alias
          HostName 127.0.0.1
          Port %d
          User root
          IdentityFile %s
        Host *
          User nobody-else
        """.formatted(LocalSshd.port(), LocalSshd.clientKey("rsa")));
    SshTarget t = SshTarget.resolve("login-alias", new SshSettings("unused", null, null, null, LocalSshd.knownHosts()),
        config, "nobody", "/nonexistent-home");
    assertEquals("root@127.0.0.1:" + LocalSshd.port(), t.toString());
    try (SshCommandRunner r = SshCommandRunner.open(t, null)) {
      assertEquals("root\n", r.run(List.of("id", "-un"), null, T).stdout());
    }
  }

  /** The login node's sshd goes away (sessions dropped) and comes back: the next command reconnects. */
  @Test
  void aDroppedSessionIsReestablishedForTheNextCommand() throws Exception {
    try (SshCommandRunner r = SshCommandRunner.open(target(LocalSshd.clientKey("ed25519"), LocalSshd.knownHosts()), null)) {
      assertTrue(r.run(List.of("true"), null, T).ok());
      Thread restart;
      LocalSshd.control("stop");
      try {
        // back after a while; run() waits for it with back-off meanwhile
        restart = new Thread(() -> {
          try {
            Thread.sleep(1500);
            LocalSshd.control("start");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        restart.start();
        CommandRunner.Result again = r.run(List.of("echo", "again"), null, T);
        assertEquals("again\n", again.stdout());
        restart.join();
      } finally {
        LocalSshd.control("start");
      }
      assertEquals(2, r.connects());
    }
    assertFalse(LocalSshd.commands().isEmpty());
  }
}
