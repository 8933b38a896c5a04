package org.daisyjava.launcher.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every batch system's settings of one task (or of the whole run), by section. A task record holds
 * one of these instead of a field per batch system: a new batch system adds a section, not a field
 * to every task. Only {@link BatchSection#read} fills it, so each value has its section's type.
 */
public final class BatchSettings {
  private final Map<String, BatchSystemSettings> bySection;

  private BatchSettings(Map<String, BatchSystemSettings> bySection) {
    this.bySection = Map.copyOf(bySection);
  }

  /** Every section at its defaults (for pipelines built in code). */
  public static BatchSettings defaults(List<BatchSection<?>> sections) {
    Map<String, BatchSystemSettings> m = new LinkedHashMap<>();
    for (BatchSection<?> s : sections) {
      m.put(s.key(), s.defaults());
    }
    return new BatchSettings(m);
  }

  /** The settings of {@code section}. */
  public <S extends BatchSystemSettings> S get(BatchSection<S> section) {
    BatchSystemSettings s = bySection.get(section.key());
    @SuppressWarnings("unchecked") // filled only by the section's own reader
    S typed = (S) (s == null ? section.defaults() : s);
    return typed;
  }

  /**
   * Reads each section's key of {@code parent} over {@code base} (a task's overrides over the
   * top-level sections, or the top-level sections over the defaults).
   */
  static BatchSettings read(ConfigNode parent, BatchSettings base, List<BatchSection<?>> sections,
      boolean perTask, Path configDir) throws ConfigException {
    Map<String, BatchSystemSettings> m = new LinkedHashMap<>();
    for (BatchSection<?> s : sections) {
      BatchSystemSettings b = base.bySection.getOrDefault(s.key(), s.defaults());
      m.put(s.key(), s.read(parent.get(s.key()), b, perTask, configDir));
    }
    return new BatchSettings(m);
  }

  /** Checks a task's block timeout against every section's walltime (see BatchCommon). */
  void checkTimeout(ConfigNode task, Duration timeout) throws ConfigException {
    for (Map.Entry<String, BatchSystemSettings> e : bySection.entrySet()) {
      BatchSystemSettings s = e.getValue();
      s.common().checkTimeout(task, e.getKey(), s.walltimeKey(), timeout);
    }
  }
}
