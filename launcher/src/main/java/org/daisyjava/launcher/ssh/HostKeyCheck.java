package org.daisyjava.launcher.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.UserInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The user's {@code known_hosts} as JSch sees it, with two differences: nothing is ever added to
 * it (an unknown or changed key is refused, never accepted and remembered), and the key a server
 * presented when it was refused is kept, so that the error can show its SHA256 fingerprint — the
 * one thing a user can compare with what the cluster's administrators publish. JSch's own
 * {@code KnownHosts} does the matching, including hashed entries ({@code |1|salt|hash}) and
 * {@code [host]:port} names for servers on a port other than 22.
 */
final class HostKeyCheck implements HostKeyRepository {
  private final HostKeyRepository known;
  private volatile Refusal refusal;

  /** What the server presented when the check failed; {@code changed} false: not known at all. */
  record Refusal(String host, String keyType, String fingerprint, boolean changed) {}

  HostKeyCheck(HostKeyRepository known) {
    this.known = known;
  }

  /** The last refused key, or null if none was refused. */
  Refusal refusal() {
    return refusal;
  }

  @Override
  public int check(String host, byte[] key) {
    int r = known.check(host, key);
    if (r != OK) {
      refusal = new Refusal(host, keyType(key), fingerprint(key), r == CHANGED);
    }
    return r;
  }

  /** Never called with StrictHostKeyChecking=yes; if it were, nothing is remembered. */
  @Override
  public void add(HostKey hostkey, UserInfo ui) {}

  @Override
  public void remove(String host, String type) {}

  @Override
  public void remove(String host, String type, byte[] key) {}

  @Override
  public String getKnownHostsRepositoryID() {
    return known.getKnownHostsRepositoryID();
  }

  @Override
  public HostKey[] getHostKey() {
    return known.getHostKey();
  }

  @Override
  public HostKey[] getHostKey(String host, String type) {
    return known.getHostKey(host, type);
  }

  /** {@code SHA256:} and the unpadded base64 of the key blob's SHA-256, as {@code ssh-keygen -l} prints it. */
  static String fingerprint(byte[] blob) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(blob);
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The type name a key blob starts with (uint32 length, then e.g. "ssh-ed25519"). */
  static String keyType(byte[] blob) {
    if (blob.length < 4) {
      return "unknown";
    }
    int n = ((blob[0] & 0xff) << 24) | ((blob[1] & 0xff) << 16) | ((blob[2] & 0xff) << 8) | (blob[3] & 0xff);
    if (n <= 0 || n > 64 || 4 + n > blob.length) {
      return "unknown";
    }
    return new String(blob, 4, n, StandardCharsets.US_ASCII);
  }
}
