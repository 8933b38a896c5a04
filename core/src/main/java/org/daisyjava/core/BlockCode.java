package org.daisyjava.core;

import java.util.Map;
import java.util.TreeMap;

/**
 * How user code is run for a block (a task's {@code process:} or {@code check:}): a Java class,
 * a shell command per block, a long-running stream process, or a built-in function.
 *
 * @param kind which of the four
 * @param value the class name, the command line, or the built-in's name
 * @param options extra settings of a built-in ({@code seconds}, {@code probability}, {@code dir}),
 *     as strings; for a class also its {@code args:} (keys prefixed {@link #ARG_PREFIX}) and the
 *     task's voxel size ({@link #VOXEL_SIZE_OPTION})
 */
public record BlockCode(Kind kind, String value, Map<String, String> options) {
  public enum Kind {
    CLASS("class"),
    COMMAND("command"),
    STREAM("stream"),
    BUILTIN("builtin");

    private final String key;

    Kind(String key) {
      this.key = key;
    }

    /** The config key that selects this kind. */
    public String key() {
      return key;
    }

    public static Kind fromKey(String key) {
      for (Kind k : values()) {
        if (k.key.equals(key)) {
          return k;
        }
      }
      return null;
    }
  }

  public BlockCode {
    if (kind == null) {
      throw new IllegalArgumentException("kind must not be null");
    }
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(kind.key() + " must not be empty");
    }
    options = options == null ? Map.of() : Map.copyOf(new TreeMap<>(options));
  }

  /**
   * Prefix of the option keys that hold a class's {@code args:}. Prefixed, so that no arg name
   * can be taken for a kind's key ({@code class}, {@code command}, ...) where options travel
   * beside the kind, as in the welcome message.
   */
  public static final String ARG_PREFIX = "arg.";

  /** Option key of the task's voxel size for class code, comma-separated ({@code 4,4,8}). */
  public static final String VOXEL_SIZE_OPTION = "task.voxel_size";

  /** A class's {@code args:} by name (without {@link #ARG_PREFIX}), in name order; empty if none. */
  public Map<String, String> args() {
    Map<String, String> args = new TreeMap<>();
    for (Map.Entry<String, String> e : options.entrySet()) {
      if (e.getKey().startsWith(ARG_PREFIX)) {
        args.put(e.getKey().substring(ARG_PREFIX.length()), e.getValue());
      }
    }
    return java.util.Collections.unmodifiableMap(args);
  }

  public static BlockCode of(Kind kind, String value) {
    return new BlockCode(kind, value, Map.of());
  }

  /** A built-in option, or {@code fallback} if absent. */
  public String option(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }
}
