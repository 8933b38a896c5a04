package org.daisyjava.launcher.config;

/**
 * A config file that cannot be used. The message always has the form
 * {@code FILE:LINE: KEY: what is wrong}, e.g.
 * {@code config.yaml:12: tasks[1].fit: expected one of valid, overhang, shrink, got 'vaild'}.
 */
public final class ConfigException extends Exception {
  private final String file;
  private final int line;
  private final String key;

  public ConfigException(String file, int line, String key, String problem) {
    super(file + ":" + line + ": " + (key == null || key.isEmpty() ? "" : key + ": ") + problem);
    this.file = file;
    this.line = line;
    this.key = key;
  }

  public String file() {
    return file;
  }

  /** 1-based line number. */
  public int line() {
    return line;
  }

  /** The dotted key path, e.g. {@code tasks[1].fit}. */
  public String key() {
    return key;
  }
}
