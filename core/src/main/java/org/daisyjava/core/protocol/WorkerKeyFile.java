package org.daisyjava.core.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a worker needs to talk to its run's scheduler and to nobody else: the run's client key
 * pair (the scheduler's authenticator admits only its public half) and the scheduler's public key
 * (the worker's CURVE handshake fails against any server without the matching secret, so it never
 * sees a {@code welcome} from an impostor).
 *
 * <p>This class is the only owner of the key file's format ({@code run_dir/worker.key}, mode
 * 0600, written by the launcher, read by {@code daisy-worker --key-file}). UTF-8 text, one
 * {@code name: value} per line, names in any order, lines starting with {@code #} and blank lines
 * ignored; values are 40-character Z85 keys (Z85 contains {@code :} and {@code #}, so a value is
 * everything after the first colon of its line, trimmed):
 *
 * <pre>
 * # daisy-java worker key file (CURVE, Z85). Keep it private: it admits a worker to this run.
 * client-public: &lt;40 characters&gt;
 * client-secret: &lt;40 characters&gt;
 * server-public: &lt;40 characters&gt;
 * </pre>
 *
 * For a scheduler run with {@code scheduler.encryption: off} the file holds the single line
 * {@code encryption: off} instead of the keys ({@link #PLAIN_TEXT}): the launcher always names a
 * key file, and the worker must then connect without CURVE.
 *
 * <p>A worker in another language sets the three values as {@code ZMQ_CURVE_PUBLICKEY},
 * {@code ZMQ_CURVE_SECRETKEY} and {@code ZMQ_CURVE_SERVERKEY} (PROTOCOL.md). Why plain lines and
 * not JSON: a shell script or a human can read it, and nothing in it needs quoting.
 */
public record WorkerKeyFile(CurveKeyPair client, String serverPublicKey) implements WorkerSecurity {
  /** A key file is three short lines; anything much larger is not one (and is not read whole). */
  public static final int MAX_BYTES = 4096;
  private static final String CLIENT_PUBLIC = "client-public";
  private static final String CLIENT_SECRET = "client-secret";
  private static final String SERVER_PUBLIC = "server-public";
  private static final String ENCRYPTION = "encryption";
  /** The key file of a run without encryption. */
  public static final String PLAIN_TEXT =
      "# daisy-java worker key file: this run's scheduler uses no encryption.\n" + ENCRYPTION + ": off\n";

  public WorkerKeyFile {
    if (client == null) {
      throw new IllegalArgumentException("client key pair missing");
    }
    CurveKeyPair.requireKey("server public key", serverPublicKey);
  }

  /** The file's text. */
  public String format() {
    return "# daisy-java worker key file (CURVE, Z85). Keep it private: it admits a worker to this run.\n"
        + CLIENT_PUBLIC + ": " + client.publicKey() + "\n"
        + CLIENT_SECRET + ": " + client.secretKey() + "\n"
        + SERVER_PUBLIC + ": " + serverPublicKey + "\n";
  }

  /**
   * Reads a key file's text: CURVE keys, or {@link WorkerSecurity#PLAIN} for {@link #PLAIN_TEXT}.
   *
   * @throws IllegalArgumentException saying which line or key is wrong (never quoting a secret)
   */
  public static WorkerSecurity read(String text) {
    if (text.length() <= MAX_BYTES) {
      boolean plain = false;
      boolean other = false;
      for (String line : text.split("\r?\n")) {
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("#")) {
          continue;
        }
        if (l.replace(" ", "").equals(ENCRYPTION + ":off")) {
          plain = true;
        } else {
          other = true;
        }
      }
      if (plain && !other) {
        return WorkerSecurity.PLAIN;
      }
    }
    return parse(text);
  }

  /**
   * Reads a key file's CURVE keys.
   *
   * @throws IllegalArgumentException saying which line or key is wrong (never quoting a secret)
   */
  public static WorkerKeyFile parse(String text) {
    if (text.length() > MAX_BYTES) {
      throw new IllegalArgumentException("longer than " + MAX_BYTES + " characters: not a key file");
    }
    Map<String, String> values = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      String name = colon < 0 ? "" : line.substring(0, colon).strip();
      if (!name.equals(CLIENT_PUBLIC) && !name.equals(CLIENT_SECRET) && !name.equals(SERVER_PUBLIC)) {
        throw new IllegalArgumentException("line " + (i + 1) + ": expected '" + CLIENT_PUBLIC + ": ...', '"
            + CLIENT_SECRET + ": ...' or '" + SERVER_PUBLIC + ": ...'"
            + (colon < 0 && i == 0 ? " (a key file of an older daisy-java? start a new run)" : ""));
      }
      if (values.put(name, line.substring(colon + 1).strip()) != null) {
        throw new IllegalArgumentException("line " + (i + 1) + ": " + name + " given twice");
      }
    }
    for (String name : new String[] {CLIENT_PUBLIC, CLIENT_SECRET, SERVER_PUBLIC}) {
      if (!values.containsKey(name)) {
        throw new IllegalArgumentException("no " + name + " line");
      }
    }
    return new WorkerKeyFile(new CurveKeyPair(values.get(CLIENT_PUBLIC), values.get(CLIENT_SECRET)),
        values.get(SERVER_PUBLIC));
  }

  @Override
  public String toString() {
    return "WorkerKeyFile[client public " + client.publicKey() + ", server public " + serverPublicKey + "]";
  }
}
