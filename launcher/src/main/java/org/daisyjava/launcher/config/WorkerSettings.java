package org.daisyjava.launcher.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code worker:} section: how a job or local process runs the worker. */
public record WorkerSettings(
    String java,
    List<String> jvmOptions,
    List<String> classpath,
    Map<String, String> env,
    int maxRestarts) {

  static final WorkerSettings DEFAULTS = new WorkerSettings("java", List.of(), List.of(), Map.of(), 10);

  private static final Set<String> KEYS =
      Set.of("java", "jvm_options", "classpath", "env", "max_restarts");

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
    return new WorkerSettings(java, List.copyOf(jvm), List.copyOf(cp), Map.copyOf(env), restarts);
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
