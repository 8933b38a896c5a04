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
 *     as strings
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

  public static BlockCode of(Kind kind, String value) {
    return new BlockCode(kind, value, Map.of());
  }

  /** A built-in option, or {@code fallback} if absent. */
  public String option(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }
}
