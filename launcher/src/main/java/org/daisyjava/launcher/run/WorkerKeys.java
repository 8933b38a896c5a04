package org.daisyjava.launcher.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.logging.Logger;
import org.daisyjava.core.protocol.CurveKeyPair;
import org.daisyjava.core.protocol.ServerKeys;
import org.daisyjava.core.protocol.ServerSecurity;
import org.daisyjava.core.protocol.WorkerKeyFile;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.config.SchedulerSettings.Encryption;

/**
 * A launch's CURVE keys: a fresh server pair and client pair each time the launcher starts (a
 * resumed run too: the jobs of the earlier launch are gone or cancelled, and a pending job reads
 * {@code worker.key} only when it starts, so it gets the new keys). The server secret stays in
 * this process's memory; {@code run_dir/worker.key} (mode 0600, created so before a byte is
 * written) holds what a worker needs, in the format {@link WorkerKeyFile} owns.
 *
 * <p>With {@code scheduler.encryption: off} the file still exists (backends always pass
 * {@code --key-file}) but says so and holds no keys ({@link WorkerKeyFile#PLAIN_TEXT}).
 */
public final class WorkerKeys {
  private static final Logger LOG = Logger.getLogger(WorkerKeys.class.getName());
  private final ServerSecurity server;
  private final String workerFileText;

  private WorkerKeys(ServerSecurity server, String workerFileText) {
    this.server = server;
    this.workerFileText = workerFileText;
  }

  /** New keys for {@code encryption} (none for off). */
  public static WorkerKeys generate(Encryption encryption) {
    if (encryption == Encryption.OFF) {
      return new WorkerKeys(ServerSecurity.PLAIN, WorkerKeyFile.PLAIN_TEXT);
    }
    CurveKeyPair server = CurveKeyPair.generate();
    CurveKeyPair client = CurveKeyPair.generate();
    return new WorkerKeys(new ServerKeys(server, client.publicKey()),
        new WorkerKeyFile(client, server.publicKey()).format());
  }

  /**
   * Refuses {@code encryption: off} unless the scheduler listens on loopback only (then every
   * address a worker is given is loopback too), and warns when it is allowed. Called before
   * anything is created.
   */
  public static void check(Encryption encryption, int line, String bindHost, String source)
      throws LaunchException {
    if (encryption != Encryption.OFF) {
      return;
    }
    if (!bindHost.equals("127.0.0.1") && !bindHost.equals("localhost") && !bindHost.equals("::1")) {
      throw new LaunchException(ExitCode.USAGE, source + (line > 0 ? ":" + line : "")
          + ": scheduler.encryption: off is allowed only when every address is loopback, but this"
          + " backend's scheduler listens on '" + bindHost + "' (leave encryption at curve)");
    }
    LOG.warning("scheduler.encryption is off: any local user can talk to the scheduler and"
        + " receive its commands; use it for debugging only");
  }

  /** What the scheduler's socket is given. */
  public ServerSecurity server() {
    return server;
  }

  /** The contents of {@code worker.key} (for in-process workers, which get it directly). */
  public String workerFileText() {
    return workerFileText;
  }

  /** Writes {@code worker.key}, replacing an earlier launch's; readable by the owner only. */
  void write(Path file) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, workerFileText, StandardCharsets.UTF_8);
  }
}
