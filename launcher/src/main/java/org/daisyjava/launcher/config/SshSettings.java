package org.daisyjava.launcher.config;

import java.nio.file.Path;
import java.util.Set;

/**
 * The {@code ssh:} section: submit, poll and cancel jobs on a login node. Only what the file
 * says: a key it leaves out is null, so that {@code ~/.ssh/config} (a {@code Host} alias's User,
 * Port, IdentityFile) and the built-in defaults can fill it in later
 * ({@code org.daisyjava.launcher.ssh.SshTarget} does, with {@code --ssh} on top).
 *
 * @param host a host name, an address or a {@code Host} alias of {@code ~/.ssh/config}
 * @param port null: from {@code ~/.ssh/config}, else 22
 * @param user null: from {@code ~/.ssh/config}, else the local user
 * @param identityFile null: from {@code ~/.ssh/config}, else ssh-agent or the usual
 *     {@code ~/.ssh/id_*} files
 * @param knownHosts null: {@code ~/.ssh/known_hosts}
 */
public record SshSettings(String host, Integer port, String user, Path identityFile, Path knownHosts) {
  private static final Set<String> KEYS = Set.of("host", "port", "user", "identity_file", "known_hosts");

  static SshSettings from(ConfigNode n) throws ConfigException {
    if (n == null) {
      return null;
    }
    n.allowOnly(KEYS);
    String home = System.getProperty("user.home");
    String host = BatchCommon.matching(n, "host", "[A-Za-z0-9._\\-:\\[\\]]+", null);
    if (host == null) {
      throw n.error("missing required key 'host'");
    }
    return new SshSettings(
        host,
        n.get("port") == null ? null : n.get("port").intValue(1, 65535),
        BatchCommon.matching(n, "user", "[A-Za-z0-9._\\-]+", null),
        n.get("identity_file") == null ? null : expand(n.get("identity_file").string(), home),
        n.get("known_hosts") == null ? null : expand(n.get("known_hosts").string(), home));
  }

  /** {@code ~/x} is the home directory's {@code x}, as a shell would read it. */
  public static Path expand(String p, String home) {
    return Path.of(p.equals("~") ? home : p.startsWith("~/") ? home + p.substring(1) : p);
  }
}
