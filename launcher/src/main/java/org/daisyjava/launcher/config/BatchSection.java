package org.daisyjava.launcher.config;

import java.nio.file.Path;

/**
 * A batch system's section of the config ({@code slurm:}, {@code lsf:}): its key, its defaults and
 * how to read it over a base (the top-level section for a task's overrides). The executor of the
 * batch system names its section; the backend registry lists the sections for the config loader.
 *
 * @param <S> the system's settings
 */
public final class BatchSection<S extends BatchSystemSettings> {
  /** Reads a section mapping over {@code base}. */
  interface Reader<S> {
    S read(ConfigNode n, S base, boolean perTask, Path configDir) throws ConfigException;
  }

  private final String key;
  private final S defaults;
  private final Reader<S> reader;

  BatchSection(String key, S defaults, Reader<S> reader) {
    this.key = key;
    this.defaults = defaults;
    this.reader = reader;
  }

  public String key() {
    return key;
  }

  public S defaults() {
    return defaults;
  }

  S read(ConfigNode n, BatchSystemSettings base, boolean perTask, Path configDir)
      throws ConfigException {
    @SuppressWarnings("unchecked") // base came from this section (see BatchSettings)
    S typed = (S) base;
    return n == null ? typed : reader.read(n, typed, perTask, configDir);
  }
}
