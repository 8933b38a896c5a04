package org.daisyjava.launcher.config;

/**
 * The smallest task a config may hold, as YAML, for tests about anything but the task: one
 * writer of that fixture instead of a copy in every test's config text.
 */
public final class TaskYaml {
  private TaskYaml() {}

  /**
   * A {@code tasks:} entry named {@code name} (40 voxels in blocks of 10, process {@code true}),
   * with {@code keys} (e.g. {@code "num_workers: 1"}) added to it.
   */
  public static String task(String name, String... keys) {
    StringBuilder s = new StringBuilder()
        .append("  - name: ").append(name).append('\n')
        .append("    total_roi: {offset: [0], shape: [40]}\n")
        .append("    read_roi: {offset: [0], shape: [10]}\n")
        .append("    write_roi: {offset: [0], shape: [10]}\n")
        .append("    process: {command: \"true\"}\n");
    for (String k : keys) {
      s.append("    ").append(k).append('\n');
    }
    return s.toString();
  }
}
