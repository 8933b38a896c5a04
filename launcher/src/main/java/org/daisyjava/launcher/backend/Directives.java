package org.daisyjava.launcher.backend;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch system's own directive values for one task, by placeholder name: what
 * {@link GridExecutor#directives} lists, in the order it lists them. A directive that is not
 * configured has no value, and its template line is left out (see {@link JobTemplate#render}).
 * The directives every batch system shares and the run's values are added by {@link JobScripts}.
 */
public final class Directives {
  private final Map<String, List<String>> values = new LinkedHashMap<>();

  /**
   * Sets {@code name} to {@code value}, or to no value (its line left out) if {@code value} is
   * null. Each name once: a second value would silently replace the first.
   */
  public Directives set(String name, Object value) {
    if (values.containsKey(name)) {
      throw new IllegalArgumentException("directive " + name + " is set twice");
    }
    values.put(name, value == null ? List.of() : List.of(value.toString()));
    return this;
  }

  /** Placeholder name to its values (none or one), in the order they were set; read-only. */
  public Map<String, List<String>> values() {
    return Collections.unmodifiableMap(values);
  }
}
