package org.daisyjava.launcher.ssh;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The loopback sshd of scripts/local-sshd.sh, a stand-in login node: its port, client keys,
 * known_hosts and the log of every command it ran. Tests call {@link #require()} first: with
 * {@code DAISY_REQUIRE_SSH=1} (CI) a missing sshd fails the test, otherwise it skips it.
 */
public final class LocalSshd {
  /** Where scripts/local-sshd.sh keeps its files ($DAISY_SSHD_DIR overrides). */
  public static final Path DIR = Path.of(System.getenv().getOrDefault("DAISY_SSHD_DIR", "/run/daisy-local-sshd"));
  static final Path SCRIPT = findScript();

  private LocalSshd() {}

  public static void require() {
    String why = probe();
    if (why == null) {
      return;
    }
    if ("1".equals(System.getenv("DAISY_REQUIRE_SSH"))) {
      fail("DAISY_REQUIRE_SSH=1 but the local sshd is not usable: " + why + " (start it with scripts/local-sshd.sh start)");
    }
    Assumptions.abort("no local sshd (" + why + "); set DAISY_REQUIRE_SSH=1 to fail instead");
  }

  private static String probe() {
    if (!Files.isReadable(DIR.resolve("port"))) {
      return "no " + DIR.resolve("port");
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port()), 5000);
      return null;
    } catch (IOException e) {
      return "127.0.0.1:" + port() + ": " + e.getMessage();
    }
  }

  public static int port() {
    try {
      return Integer.parseInt(Files.readString(DIR.resolve("port")).strip());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Client key of type ed25519, rsa, ecdsa or ed25519_encrypted, authorized for root. */
  public static Path clientKey(String type) {
    return DIR.resolve("client_" + type);
  }

  public static Path knownHosts() {
    return DIR.resolve("known_hosts");
  }

  /** {@code ssh-keygen -lf} of the server's host key of {@code type}: "SHA256:...". */
  public static String hostKeyFingerprint(String type) throws IOException {
    String out = run("ssh-keygen", "-lf", DIR.resolve("host_" + type + "_key.pub").toString());
    return out.split("\\s+")[1];
  }

  /** Every command the sshd has run so far, one per line. */
  public static List<String> commands() throws IOException {
    Path log = DIR.resolve("commands.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  /** scripts/local-sshd.sh stop (drops every session) or start. */
  public static void control(String what) throws IOException {
    run(SCRIPT.toString(), what);
  }

  static String run(String... argv) throws IOException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", argv) + " did not finish within 120 s");
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", argv) + " failed (" + p.exitValue() + "): " + text);
      }
      return text;
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static Path findScript() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path s = d.resolve("scripts/local-sshd.sh");
      if (Files.isExecutable(s)) {
        return s;
      }
    }
    return Path.of("scripts/local-sshd.sh");
  }
}
