package org.daisyjava.launcher.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The {@code worker:} section: how a job or local process runs the worker.
 *
 * @param slots {@code slots:}, blocks one worker process runs at once, if the config sets it;
 *     empty for the backend's default (the cpus of a job, 1 for local processes; see
 *     {@code backend.WorkerSlots})
 * @param connectTimeout {@code connect_timeout:}, how long a worker keeps trying to reach the
 *     scheduler before it gives up (exit 5, "never connected"), if the config sets it; empty for
 *     the backend's default ({@link #DEFAULT_CONNECT_TIMEOUT} for a job or an external worker; a
 *     local process, whose scheduler is already listening, gets less: see
 *     {@code backend.LocalBackend})
 */
public record WorkerSettings(
    String java,
    List<String> jvmOptions,
    List<String> classpath,
    Map<String, String> env,
    int maxRestarts,
    OptionalInt slots,
    Optional<Duration> connectTimeout) {

  /** Most slots of one worker: the scheduler's cap of 64 outstanding blocks per worker. */
  public static final int MAX_SLOTS = org.daisyjava.core.protocol.Message.Hello.MAX_SLOTS;

  /**
   * The connect timeout of a job's worker unless {@code connect_timeout} is set: the worker's own
   * default, long enough for a job that starts while the head is still busy on a loaded node.
   */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(60);
  /**
   * Bounds of {@code connect_timeout}: below a second a JVM on a busy node may not even have sent
   * its hello; beyond an hour a job that cannot connect holds its allocation for nothing.
   */
  static final Duration MIN_CONNECT_TIMEOUT = Duration.ofSeconds(1);
  static final Duration MAX_CONNECT_TIMEOUT = Duration.ofHours(1);

  static final WorkerSettings DEFAULTS = new WorkerSettings("java", List.of(), List.of(), Map.of(), 10,
      OptionalInt.empty(), Optional.empty());

  private static final Set<String> KEYS =
      Set.of("java", "jvm_options", "classpath", "env", "max_restarts", "slots", "connect_timeout");

  static WorkerSettings from(ConfigNode n) throws ConfigException {
    if (n == null) {
      return DEFAULTS;
    }
    n.allowOnly(KEYS);
    String java = n.get("java") == null ? DEFAULTS.java : n.get("java").pathValue();
    List<String> jvm = n.get("jvm_options") == null ? List.of() : n.get("jvm_options").stringList();
    List<String> cp = new java.util.ArrayList<>();
    if (n.get("classpath") != null) {
      for (ConfigNode entry : n.get("classpath").list()) {
        cp.add(entry.pathValue());
      }
    }
    Map<String, String> env = n.get("env") == null ? Map.of() : env(n.get("env"));
    int restarts = n.get("max_restarts") == null
        ? DEFAULTS.maxRestarts
        : n.get("max_restarts").intValue(0, 1_000_000);
    OptionalInt slots = n.get("slots") == null
        ? OptionalInt.empty()
        : OptionalInt.of(n.get("slots").intValue(1, MAX_SLOTS));
    Optional<Duration> connect = n.get("connect_timeout") == null
        ? Optional.empty()
        : Optional.of(connectTimeout(n.get("connect_timeout")));
    return new WorkerSettings(java, List.copyOf(jvm), List.copyOf(cp), Map.copyOf(env), restarts, slots,
        connect);
  }

  private static Duration connectTimeout(ConfigNode n) throws ConfigException {
    Duration d = n.duration();
    if (d.compareTo(MIN_CONNECT_TIMEOUT) < 0 || d.compareTo(MAX_CONNECT_TIMEOUT) > 0) {
      throw n.error("must be between 1s and 1h, got " + n.string().trim());
    }
    return d;
  }

  /** An {@code env:} mapping ({@code worker.env}, a task's {@code env}): valid variable names. */
  static Map<String, String> env(ConfigNode envNode) throws ConfigException {
    Map<String, String> env = envNode.stringMap();
    for (Map.Entry<String, ConfigNode> e : envNode.entries().entrySet()) {
      if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw e.getValue().error("not a valid environment variable name");
      }
    }
    return env;
  }
}
