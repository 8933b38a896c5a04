package org.daisyjava.launcher.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.run.LaunchException;

/**
 * What OpenSSH's client config ({@code ~/.ssh/config}) says about one host, limited to the four
 * keys a login-node connection needs: HostName, User, Port and IdentityFile. This class owns the
 * reading of that format; the rules are OpenSSH's (ssh_config(5)):
 *
 * <ul>
 *   <li>a {@code Host} line lists patterns ({@code *} and {@code ?} wildcards, {@code !} negates);
 *       the lines after it apply if the name given on the command line matches one pattern and no
 *       negated one, up to the next {@code Host} or {@code Match};
 *   <li>for each key the <em>first</em> value obtained wins (so specific sections go first and
 *       {@code Host *} last); IdentityFile is the exception: every one given is tried, in order;
 *   <li>keys are case-insensitive, separated from their value by blanks or {@code =}; a value may
 *       be double-quoted; {@code #} starts a comment line.
 * </ul>
 *
 * <p>{@code Match} sections are conditions this launcher cannot evaluate faithfully (exec, user,
 * canonical host names): their lines are skipped rather than guessed at. {@code Include} is not
 * followed. Tokens {@code %h %d %u %r %%} and a leading {@code ~} are expanded as ssh does.
 * The file is the user's, but still an input: it is read up to 1 MiB, and a bad Port or an
 * unknown token is a config error ({@code file:line: key: problem}, exit 2).
 */
public final class SshConfigFile {
  private static final long MAX_BYTES = 1 << 20;
  private static final Pattern LINE = Pattern.compile("\\s*([A-Za-z]+)\\s*(?:=\\s*|\\s+)(.*?)\\s*");

  /** The values found for one host; null (or empty) where the file says nothing. */
  public record Entry(String hostName, String user, Integer port, List<String> identityFiles) {
    static final Entry NONE = new Entry(null, null, null, List.of());
  }

  private SshConfigFile() {}

  /** The entry for {@code host} (as the user typed it) in {@code file}; nothing if there is no file. */
  public static Entry lookup(Path file, String host, String localUser, String home) throws LaunchException {
    List<String> lines;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new LaunchException(ExitCode.USAGE, file + ": larger than 1 MiB; not an ssh client config");
      }
      lines = Files.readAllLines(file);
    } catch (NoSuchFileException e) {
      return Entry.NONE;
    } catch (IOException e) {
      throw new LaunchException(ExitCode.USAGE, "cannot read " + file + ": " + e.getMessage());
    }
    return parse(lines, file.toString(), host, localUser, home);
  }

  static Entry parse(List<String> lines, String source, String host, String localUser, String home)
      throws LaunchException {
    boolean applies = true; // lines before the first Host apply to every host
    String hostName = null;
    String user = null;
    Integer port = null;
    List<String> identities = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String raw = lines.get(i).strip();
      if (raw.isEmpty() || raw.startsWith("#")) {
        continue;
      }
      var m = LINE.matcher(raw);
      if (!m.matches()) {
        continue; // a keyword without a value: ssh itself would complain; nothing of ours
      }
      String key = m.group(1).toLowerCase(Locale.ROOT);
      String value = unquote(m.group(2));
      String where = source + ":" + (i + 1) + ": " + m.group(1);
      switch (key) {
        case "host" -> applies = matches(value, host);
        case "match" -> applies = false;
        case "hostname" -> {
          if (applies && hostName == null) {
            hostName = expand(value, where, host, localUser, null, home);
          }
        }
        case "user" -> {
          if (applies && user == null) {
            user = value;
          }
        }
        case "port" -> {
          if (applies && port == null) {
            try {
              port = Integer.parseInt(value);
            } catch (NumberFormatException e) {
              port = -1;
            }
            if (port < 1 || port > 65535) {
              throw new LaunchException(ExitCode.USAGE, where + ": not a port number: '" + value + "'");
            }
          }
        }
        case "identityfile" -> {
          if (applies) {
            identities.add(value);
          }
        }
        default -> {
          // every other key (ProxyJump, ForwardAgent, ...) is ssh's business, not ours
        }
      }
    }
    // %r in IdentityFile is the remote user: known only once User is settled
    String remoteUser = user == null ? localUser : user;
    List<String> expanded = new ArrayList<>();
    for (String id : identities) {
      expanded.add(expand(id, source + ": IdentityFile", hostName == null ? host : hostName, localUser,
          remoteUser, home));
    }
    return new Entry(hostName, user, port, List.copyOf(expanded));
  }

  /** A {@code Host} line's patterns against the host name: one positive match, no negated one. */
  static boolean matches(String patterns, String host) {
    boolean any = false;
    for (String p : patterns.split("[\\s,]+")) {
      if (p.isEmpty()) {
        continue;
      }
      boolean negated = p.startsWith("!");
      String glob = negated ? p.substring(1) : p;
      if (glob(glob.toLowerCase(Locale.ROOT), host.toLowerCase(Locale.ROOT))) {
        if (negated) {
          return false;
        }
        any = true;
      }
    }
    return any;
  }

  private static boolean glob(String pattern, String s) {
    StringBuilder re = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return s.matches(re.toString());
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
  }

  private static String expand(String v, String where, String host, String localUser, String remoteUser,
      String home) throws LaunchException {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      char t = i + 1 < v.length() ? v.charAt(++i) : ' ';
      switch (t) {
        case '%' -> out.append('%');
        case 'h' -> out.append(host);
        case 'd' -> out.append(home);
        case 'u' -> out.append(localUser);
        case 'r' -> {
          if (remoteUser == null) {
            throw new LaunchException(ExitCode.USAGE, where + ": %r is not allowed here");
          }
          out.append(remoteUser);
        }
        default -> throw new LaunchException(ExitCode.USAGE, where + ": token %" + t
            + " is not supported here (only %h %d %u %r %%)");
      }
    }
    String s = out.toString();
    return s.equals("~") ? home : s.startsWith("~/") ? home + s.substring(1) : s;
  }
}
