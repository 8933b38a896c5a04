package org.daisyjava.launcher.config;

import java.nio.file.Path;
import java.util.Set;

/** The {@code ssh:} section: submit, poll and cancel jobs on a login node. */
public record SshSettings(String host, int port, String user, Path identityFile, Path knownHosts) {
  private static final Set<String> KEYS = Set.of("host", "port", "user", "identity_file", "known_hosts");

  static SshSettings from(ConfigNode n) throws ConfigException {
    if (n == null) {
      return null;
    }
    n.allowOnly(KEYS);
    String home = System.getProperty("user.home");
    return new SshSettings(
        BatchCommon.matching(n, "host", "[A-Za-z0-9.\\-:\\[\\]]+", null) == null
            ? missing(n) : n.get("host").string(),
        n.get("port") == null ? 22 : n.get("port").intValue(1, 65535),
        BatchCommon.matching(n, "user", "[A-Za-z0-9._\\-]+", System.getProperty("user.name")),
        n.get("identity_file") == null ? null : expand(n.get("identity_file").string(), home),
        expand(n.get("known_hosts") == null ? "~/.ssh/known_hosts" : n.get("known_hosts").string(), home));
  }

  private static String missing(ConfigNode n) throws ConfigException {
    throw n.error("missing required key 'host'");
  }

  private static Path expand(String p, String home) {
    return Path.of(p.startsWith("~/") ? home + p.substring(1) : p);
  }
}
