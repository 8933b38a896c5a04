package org.daisyjava.launcher.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.config.SshSettings;
import org.daisyjava.launcher.run.LaunchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing --ssh, the ssh: section and ~/.ssh/config into one target (no connection). */
class SshTargetTest {
  @TempDir Path tmp;

  private static SshConfigFile.Entry parse(String host, String... lines) throws LaunchException {
    return SshConfigFile.parse(List.of(lines), "config", host, "me", "/home/me");
  }

  @Test
  void theFirstValueObtainedWinsSoSpecificHostsGoFirstAndHostStarLast() throws Exception {
    SshConfigFile.Entry e = parse("login1",
        "# comment", "Host login1 login2", "  HostName login1.cluster.org", "  User alice",
        "  IdentityFile ~/.ssh/cluster_%h", "Host *", "  User bob", "  Port 2200", "  IdentityFile %d/.ssh/id_%r");
    assertEquals("login1.cluster.org", e.hostName());
    assertEquals("alice", e.user());
    assertEquals(2200, e.port());
    assertEquals(List.of("/home/me/.ssh/cluster_login1.cluster.org", "/home/me/.ssh/id_alice"), e.identityFiles());
  }

  @Test
  void patternsWildcardsNegationKeywordCaseAndEqualsSigns() throws Exception {
    assertEquals("a.example", parse("node7", "Host node?", "hostname=a.example").hostName());
    assertNull(parse("node17", "Host node?", "HostName a.example").hostName());
    assertEquals("b", parse("x.cluster.org", "Host *.cluster.org !y.cluster.org", "HOSTNAME \"b\"").hostName());
    assertNull(parse("y.cluster.org", "Host *.cluster.org !y.cluster.org", "HostName b").hostName());
    assertEquals("c", parse("any", "HostName c", "Host other", "HostName d").hostName(), "lines before any Host apply");
  }

  @Test
  void matchSectionsAreSkippedNotGuessedAt() throws Exception {
    SshConfigFile.Entry e = parse("login1", "Match user root", "  User admin", "Host login1", "  User alice");
    assertEquals("alice", e.user());
  }

  @Test
  void aBadPortOrTokenIsAConfigErrorWithFileAndLine() {
    LaunchException e = assertThrows(LaunchException.class, () -> parse("h", "Host h", "  Port 99999"));
    assertEquals(ExitCode.USAGE, e.exitCode());
    assertEquals("config:2: Port: not a port number: '99999'", e.getMessage());
    LaunchException t = assertThrows(LaunchException.class, () -> parse("h", "Host h", "  HostName %C"));
    assertTrue(t.getMessage().startsWith("config:2: HostName: token %C is not supported"), t.getMessage());
  }

  @Test
  void theCommandLineOverridesTheSectionWhichOverridesTheSshConfig() throws Exception {
    Path config = tmp.resolve("config");
    Files.writeString(config, "Host login1\n  HostName 10.1.2.3\n  User carol\n  Port 2022\n  IdentityFile /k/cfg\n");
    SshSettings section = new SshSettings("login1", 2200, "alice", Path.of("/k/section"), Path.of("/kh"));
    SshTarget onlySection = SshTarget.resolve(null, section, config, "me", "/home/me");
    assertEquals("alice@10.1.2.3:2200", onlySection.toString());
    assertEquals(List.of(Path.of("/k/section")), onlySection.identityFiles());
    assertEquals(Path.of("/kh"), onlySection.knownHosts());

    SshTarget cli = SshTarget.resolve("bob@login1:2300", section, config, "me", "/home/me");
    assertEquals("bob@10.1.2.3:2300", cli.toString());
    assertEquals("login1", cli.alias());

    SshTarget configOnly = SshTarget.resolve("login1", null, config, "me", "/home/me");
    assertEquals("carol@10.1.2.3:2022", configOnly.toString());
    assertEquals(List.of(Path.of("/k/cfg")), configOnly.identityFiles());
    assertEquals(Path.of("/home/me/.ssh/known_hosts"), configOnly.knownHosts());

    SshTarget defaults = SshTarget.resolve("other", null, tmp.resolve("absent"), "me", "/home/me");
    assertEquals("me@other:22", defaults.toString());
    assertTrue(defaults.identityFiles().isEmpty());
    assertEquals("root@[::1]:22", SshTarget.resolve("root@[::1]", null, config, "me", "/h").toString());
    assertNull(SshTarget.resolve(null, null, config, "me", "/h"));
  }

  @Test
  void aMalformedSshOptionIsAUsageError() {
    for (String bad : List.of("", "-oProxyCommand=x", "a@b@c", "host:0x", "host:99999", "us er@host", "host;rm")) {
      LaunchException e = assertThrows(LaunchException.class,
          () -> SshTarget.resolve(bad, null, tmp.resolve("absent"), "me", "/h"), bad);
      assertEquals(ExitCode.USAGE, e.exitCode(), bad);
      assertTrue(e.getMessage().startsWith("--ssh: "), e.getMessage());
    }
  }

  @Test
  void fingerprintsAndKeyTypesAreReadFromTheKeyBlob() {
    byte[] blob = {0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1', '9', 0, 0, 0, 1, 42};
    assertEquals("ssh-ed25519", HostKeyCheck.keyType(blob));
    assertEquals("unknown", HostKeyCheck.keyType(new byte[] {0, 0, 1, 0, 'x'}));
    assertTrue(HostKeyCheck.fingerprint(blob).startsWith("SHA256:"));
    assertFalse(HostKeyCheck.fingerprint(blob).endsWith("="), "unpadded, as ssh-keygen prints it");
  }
}
