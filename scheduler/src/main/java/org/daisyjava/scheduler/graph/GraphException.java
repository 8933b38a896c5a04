package org.daisyjava.scheduler.graph;

/**
 * The tasks do not form a valid pipeline (unknown upstream, cycle, duplicate name, …). Names
 * the task and the key at fault so that a config loader can point at the line.
 */
public final class GraphException extends IllegalArgumentException {
  private final int taskIndex;
  private final String key;

  public GraphException(int taskIndex, String key, String message) {
    super(message);
    this.taskIndex = taskIndex;
    this.key = key;
  }

  /** Index of the offending task in the task list. */
  public int taskIndex() {
    return taskIndex;
  }

  /** The task's key at fault, e.g. {@code upstream} or {@code name}. */
  public String key() {
    return key;
  }
}
