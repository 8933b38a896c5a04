package org.daisyjava.launcher.ssh;

import com.jcraft.jsch.AgentIdentityRepository;
import com.jcraft.jsch.AgentProxyException;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchHostKeyException;
import com.jcraft.jsch.KeyPair;
import com.jcraft.jsch.SSHAgentConnector;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.UnixDomainSocketFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.backend.CommandRunner;
import org.daisyjava.launcher.backend.JobTemplate;
import org.daisyjava.launcher.run.LaunchException;

/**
 * Runs the batch system's commands on a login node over SSH: one session for the whole run
 * (a new one per squeue would add a key exchange and a login on the login node each time:
 * 58 / 106 / 1026 ms min / median / max against the loopback sshd on the loaded 2-core test
 * machine, bench/SshBench, on top of the command's own 173 / 333 / 978 ms there), re-established
 * with back-off when it drops. Each command is one exec channel; its arguments are
 * shell-quoted (the login node's sshd hands the command line to the user's shell) and
 * {@code stdin} is written to it ({@code bsub < script}).
 *
 * <p>A command is never sent twice: only the connection is retried, and a session that drops
 * while a command runs makes that command fail ({@link IOException}), because whether an
 * {@code sbatch} went through is then unknown — the backend's own error handling decides (a poll
 * is simply repeated later; a submission ends the run with exit 3, resumable).
 *
 * <p>Host keys are always checked against {@code known_hosts} ({@link HostKeyCheck}); keys come
 * from the configured identity files, or ssh-agent.
 */
public final class SshCommandRunner implements CommandRunner, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SshCommandRunner.class.getName());
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
  /** How long one command waits for a dropped session to come back before it fails. */
  private static final Duration RECONNECT_BUDGET = Duration.ofSeconds(30);
  private static final long FIRST_BACKOFF_MILLIS = 250;
  private static final long MAX_BACKOFF_MILLIS = 8000;
  /** A batch command's output is a job id or a job list; more than this is not one. */
  private static final int MAX_OUTPUT = 64 << 20;
  /** JSch's words for a channel that was never opened (so its command was never sent). */
  private static final List<String> NOT_OPENED = List.of("session is down", "channel is not opened.");

  private final SshTarget target;
  private final JSch jsch;
  private final HostKeyCheck hostKeys;
  private final String keySource;
  private Session session; // guarded by this
  private int connects; // guarded by this

  private SshCommandRunner(SshTarget target, JSch jsch, HostKeyCheck hostKeys, String keySource) {
    this.target = target;
    this.jsch = jsch;
    this.hostKeys = hostKeys;
    this.keySource = keySource;
  }

  /**
   * Sets up keys and host-key checking (problems with them are config errors, exit 2) and
   * connects once (a refused host key or login is exit 3): the run learns before anything is
   * created whether the login node takes it.
   */
  public static SshCommandRunner open(SshTarget target, String agentSocket) throws LaunchException {
    SshCommandRunner r = prepare(target, agentSocket);
    synchronized (r) {
      try {
        r.connect(System.nanoTime() + CONNECT_TIMEOUT.toNanos(), 2);
      } catch (IOException e) {
        throw new LaunchException(ExitCode.CLUSTER, e.getMessage(), e);
      }
    }
    return r;
  }

  /** Keys and known_hosts, no connection yet. */
  static SshCommandRunner prepare(SshTarget target, String agentSocket) throws LaunchException {
    JSch jsch = new JSch();
    try {
      jsch.setKnownHosts(target.knownHosts().toString());
    } catch (JSchException e) {
      throw new LaunchException(ExitCode.USAGE, "ssh known_hosts " + target.knownHosts() + ": " + e.getMessage());
    }
    HostKeyCheck hostKeys = new HostKeyCheck(jsch.getHostKeyRepository());
    jsch.setHostKeyRepository(hostKeys);
    String keySource = identities(jsch, target, agentSocket);
    return new SshCommandRunner(target, jsch, hostKeys, keySource);
  }

  /** Loads the keys; returns what was loaded, for messages. */
  private static String identities(JSch jsch, SshTarget target, String agentSocket) throws LaunchException {
    boolean agent = agentSocket != null && !agentSocket.isBlank() && Files.exists(Path.of(agentSocket));
    List<Path> files = target.identityFiles();
    boolean explicit = !files.isEmpty();
    if (!explicit) {
      files = new ArrayList<>();
      for (String n : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
        Path p = Path.of(System.getProperty("user.home"), ".ssh", n);
        if (Files.isReadable(p)) {
          files.add(p);
        }
      }
      if (files.isEmpty() && !agent) {
        throw new LaunchException(ExitCode.USAGE, "ssh to " + target.alias() + ": no key to log in with:"
            + " set ssh.identity_file (or IdentityFile in ~/.ssh/config), or start ssh-agent and ssh-add the key");
      }
    }
    List<Path> plain = new ArrayList<>();
    List<Path> encrypted = new ArrayList<>();
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new LaunchException(ExitCode.USAGE, "ssh identity_file " + f + " does not exist");
      }
      if (!Files.isReadable(f)) {
        throw new LaunchException(ExitCode.USAGE, "ssh identity_file " + f + " is not readable");
      }
      KeyPair kp;
      try {
        kp = KeyPair.load(jsch, f.toString());
      } catch (JSchException e) {
        throw new LaunchException(ExitCode.USAGE, "ssh identity_file " + f + ": not a private key that can be"
            + " read (" + e.getMessage() + "); ed25519, ECDSA and RSA keys in OpenSSH or PEM format work");
      }
      (kp.isEncrypted() ? encrypted : plain).add(f);
      kp.dispose();
    }
    if (agent && (plain.isEmpty() || !encrypted.isEmpty())) {
      try {
        jsch.setIdentityRepository(new AgentIdentityRepository(
            new SSHAgentConnector(new UnixDomainSocketFactory(), Path.of(agentSocket))));
        return "ssh-agent (" + agentSocket + ")";
      } catch (AgentProxyException e) {
        throw new LaunchException(ExitCode.USAGE, "ssh-agent at SSH_AUTH_SOCK=" + agentSocket
            + " cannot be used: " + e.getMessage());
      }
    }
    if (!encrypted.isEmpty() && explicit) {
      throw new LaunchException(ExitCode.USAGE, "ssh identity_file " + encrypted.get(0) + " is encrypted"
          + " (has a passphrase), and daisy-launch never asks for one: load it into ssh-agent (ssh-add "
          + encrypted.get(0) + ") and run daisy-launch with SSH_AUTH_SOCK set, or use a key without a passphrase");
    }
    if (plain.isEmpty()) {
      throw new LaunchException(ExitCode.USAGE, "ssh to " + target.alias() + ": the keys in ~/.ssh ("
          + encrypted + ") have passphrases and no ssh-agent is running: start ssh-agent and ssh-add them");
    }
    for (Path f : plain) {
      try {
        jsch.addIdentity(f.toString());
      } catch (JSchException e) {
        throw new LaunchException(ExitCode.USAGE, "ssh identity_file " + f + ": " + e.getMessage());
      }
    }
    return plain.size() == 1 ? plain.get(0).toString() : plain.toString();
  }

  /** Sessions established so far (1 if it never dropped). */
  public synchronized int connects() {
    return connects;
  }

  @Override
  public synchronized Result run(List<String> argv, String stdin, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Session s = session(Math.min(deadline, System.nanoTime() + RECONNECT_BUDGET.toNanos()));
    String command = String.join(" ", argv.stream().map(JobTemplate::shellQuote).toList());
    Capped out = new Capped();
    Capped err = new Capped();
    ChannelExec ch;
    try {
      ch = start(s, command, stdin, out, err);
    } catch (JSchException e) {
      // A session whose end this side has not noticed yet fails here. The channel was never
      // opened, so the command was never sent: reconnect and send it (once).
      boolean neverSent = !s.isConnected() && NOT_OPENED.contains(String.valueOf(e.getMessage()));
      drop();
      if (!neverSent) {
        throw new IOException("ssh " + target + ": cannot start " + argv.get(0) + ": " + e.getMessage(), e);
      }
      s = session(Math.min(deadline, System.nanoTime() + RECONNECT_BUDGET.toNanos()));
      try {
        ch = start(s, command, stdin, out, err);
      } catch (JSchException e2) {
        drop();
        throw new IOException("ssh " + target + ": cannot start " + argv.get(0) + ": " + e2.getMessage(), e2);
      }
    }
    try {
      while (!ch.isClosed()) {
        if (System.nanoTime() > deadline) {
          throw new IOException(argv.get(0) + " on " + target.alias() + " did not finish within "
              + timeout.toSeconds() + " s");
        }
        if (!s.isConnected()) {
          break;
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while running " + argv.get(0) + " on " + target.alias(), e);
        }
      }
      if (!ch.isClosed() || (ch.getExitStatus() < 0 && !s.isConnected())) {
        drop();
        throw new IOException("the connection to " + target + " dropped while " + argv.get(0)
            + " ran; its outcome is unknown");
      }
      if (out.overflow || err.overflow) {
        throw new IOException(argv.get(0) + " on " + target.alias() + " printed more than "
            + (MAX_OUTPUT >> 20) + " MiB");
      }
      // -1: no exit status (killed by a signal on the login node)
      int code = ch.getExitStatus() < 0 ? 255 : ch.getExitStatus();
      return new Result(code, out.text(), err.text());
    } finally {
      ch.disconnect();
    }
  }

  private static ChannelExec start(Session s, String command, String stdin, OutputStream out, OutputStream err)
      throws JSchException {
    ChannelExec ch = (ChannelExec) s.openChannel("exec");
    ch.setCommand(command);
    // JSch copies this to the command and then sends EOF: null stdin reads as empty
    ch.setInputStream(new ByteArrayInputStream(stdin == null ? new byte[0] : stdin.getBytes(StandardCharsets.UTF_8)));
    ch.setOutputStream(out);
    ch.setErrStream(err);
    ch.connect((int) CONNECT_TIMEOUT.toMillis());
    return ch;
  }

  /** The live session, or a new one (retried with back-off until {@code deadline}). */
  private Session session(long deadline) throws IOException {
    if (session != null && session.isConnected()) {
      return session;
    }
    drop();
    return connect(deadline, Integer.MAX_VALUE);
  }

  private Session connect(long deadline, int attempts) throws IOException {
    long backoff = FIRST_BACKOFF_MILLIS;
    for (int attempt = 1; ; attempt++) {
      Session s = null;
      try {
        s = jsch.getSession(target.user(), target.hostName(), target.port());
        s.setConfig("StrictHostKeyChecking", "yes");
        s.setConfig("PreferredAuthentications", "publickey");
        s.setDaemonThread(true);
        // a login node that vanishes without closing the connection is noticed within ~30 s
        s.setServerAliveInterval(10_000);
        s.setServerAliveCountMax(3);
        long left = Math.max(1000, Math.min(CONNECT_TIMEOUT.toMillis(), (deadline - System.nanoTime()) / 1_000_000));
        s.connect((int) left);
        session = s;
        connects++;
        if (connects > 1) {
          LOG.info("ssh: reconnected to " + target + " (connection " + connects + ")");
        } else {
          LOG.info("ssh: connected to " + target + " (key " + keySource + ", known_hosts " + target.knownHosts() + ")");
        }
        return s;
      } catch (JSchException e) {
        if (s != null) {
          s.disconnect();
        }
        IOException permanent = permanent(e);
        if (permanent != null) {
          throw permanent;
        }
        long now = System.nanoTime();
        if (attempt >= attempts || now + backoff * 1_000_000 > deadline) {
          throw new IOException("cannot connect to " + target + " over ssh (" + attempt + " attempt"
              + (attempt == 1 ? "" : "s") + "): " + e.getMessage(), e);
        }
        LOG.warning("ssh: cannot connect to " + target + " (" + e.getMessage() + "); retrying in " + backoff + " ms");
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while connecting to " + target, ie);
        }
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      }
    }
  }

  /** An error that retrying cannot fix (a refused host key or login), or null. */
  private IOException permanent(JSchException e) {
    HostKeyCheck.Refusal r = hostKeys.refusal();
    if (e instanceof JSchHostKeyException && r != null) {
      String how = r.changed()
          ? "has CHANGED from the one " + target.knownHosts() + " records for it (if the login node was not"
              + " reinstalled, someone may be intercepting the connection)"
          : "is not in " + target.knownHosts();
      return new IOException("ssh: the host key of " + r.host() + " (" + r.keyType() + " " + r.fingerprint()
          + ") " + how + "; it was not accepted. Compare the fingerprint with the one the cluster publishes, then"
          + " add the key (e.g. ssh-keyscan -p " + target.port() + " " + target.hostName() + ", checked with"
          + " ssh-keygen -lf) to " + target.knownHosts());
    }
    if (e instanceof JSchHostKeyException) {
      return new IOException("ssh: host key of " + target + " refused: " + e.getMessage());
    }
    String m = String.valueOf(e.getMessage());
    if (m.contains("Auth fail") || m.contains("Auth cancel")) {
      return new IOException("ssh: " + target + " did not accept the key (" + keySource + ") for user "
          + target.user() + ": " + m);
    }
    return null;
  }

  private void drop() {
    if (session != null) {
      session.disconnect();
      session = null;
    }
  }

  @Override
  public synchronized void close() {
    drop();
  }

  /** An output sink that keeps at most MAX_OUTPUT bytes and notes that there was more. */
  private static final class Capped extends OutputStream {
    private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    private volatile boolean overflow;

    @Override
    public synchronized void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      int room = MAX_OUTPUT - buf.size();
      if (len > room) {
        overflow = true;
        len = Math.max(0, room);
      }
      buf.write(b, off, len);
    }

    synchronized String text() {
      return buf.toString(StandardCharsets.UTF_8);
    }
  }
}
