package org.daisyjava.launcher.ssh;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.config.SshSettings;
import org.daisyjava.launcher.run.LaunchException;

/**
 * The login node to connect to, every value settled. Each comes from the first of: {@code --ssh
 * [USER@]HOST[:PORT]}, the {@code ssh:} section, the {@code Host} entry of {@code ~/.ssh/config}
 * that matches the host as written (its HostName replaces the name for connecting, as with ssh),
 * and the defaults (port 22, the local user, {@code ~/.ssh/known_hosts}).
 *
 * @param alias the host as the user wrote it (what messages name)
 * @param hostName what is connected to, and what host keys are looked up under
 * @param identityFiles keys named by the config or ~/.ssh/config; empty: ssh-agent and the usual
 *     {@code ~/.ssh/id_ed25519}, {@code id_ecdsa}, {@code id_rsa}
 */
public record SshTarget(String alias, String hostName, int port, String user, List<Path> identityFiles,
    Path knownHosts) {
  private static final Pattern SPEC = Pattern.compile(
      "(?:([A-Za-z0-9._][A-Za-z0-9._\\-]*)@)?(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9_][A-Za-z0-9._\\-]*)(?::(\\d{1,5}))?");
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_:][A-Za-z0-9._\\-:]*");

  /** {@code user@host:port}, as ssh would be told it. */
  @Override
  public String toString() {
    return user + "@" + (hostName.contains(":") ? "[" + hostName + "]" : hostName) + ":" + port;
  }

  /**
   * The target of {@code --ssh} (may be null) over {@code settings} (may be null), completed from
   * {@code sshConfig}; null if neither asks for SSH.
   */
  public static SshTarget resolve(String cli, SshSettings settings, Path sshConfig, String localUser, String home)
      throws LaunchException {
    if (cli == null && settings == null) {
      return null;
    }
    String host = settings == null ? null : settings.host();
    String user = null;
    Integer port = null;
    if (cli != null) {
      Matcher m = SPEC.matcher(cli);
      if (!m.matches()) {
        throw new LaunchException(ExitCode.USAGE, "--ssh: expected [USER@]HOST[:PORT], got '" + cli + "'");
      }
      user = m.group(1);
      host = m.group(2);
      if (m.group(3) != null) {
        port = Integer.parseInt(m.group(3));
        if (port < 1 || port > 65535) {
          throw new LaunchException(ExitCode.USAGE, "--ssh: port out of range in '" + cli + "'");
        }
      }
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    SshConfigFile.Entry entry = SshConfigFile.lookup(sshConfig, host, localUser, home);
    if (user == null && settings != null) {
      user = settings.user();
    }
    if (user == null) {
      user = entry.user() != null ? entry.user() : localUser;
    }
    if (port == null && settings != null) {
      port = settings.port();
    }
    if (port == null) {
      port = entry.port() != null ? entry.port() : 22;
    }
    String hostName = entry.hostName() != null ? entry.hostName() : host;
    if (entry.hostName() != null && !HOST_NAME.matcher(hostName).matches()) {
      throw new LaunchException(ExitCode.USAGE, sshConfig + ": HostName of " + host + ": not a host name: '"
          + hostName + "'");
    }
    List<Path> ids = new ArrayList<>();
    if (settings != null && settings.identityFile() != null) {
      ids.add(settings.identityFile());
    } else {
      entry.identityFiles().forEach(f -> ids.add(Path.of(f)));
    }
    Path known = settings != null && settings.knownHosts() != null
        ? settings.knownHosts() : Path.of(home, ".ssh", "known_hosts");
    return new SshTarget(host, hostName, port, user, List.copyOf(ids), known);
  }
}
