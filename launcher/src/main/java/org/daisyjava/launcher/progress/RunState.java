package org.daisyjava.launcher.progress;

/**
 * The {@code "state"} of {@code status.json} and {@code summary.json}. A run is {@code running}
 * from its first second; it ends {@code finished} (the scheduler did all it could: every block
 * done, or some failed or orphaned — the counts say which), {@code failed} (it could not go on:
 * the cluster refused or lost it, the disk failed; a {@code reason} says why) or
 * {@code interrupted} (SIGINT/SIGTERM).
 */
public enum RunState {
  RUNNING("running"),
  FINISHED("finished"),
  FAILED("failed"),
  INTERRUPTED("interrupted");

  private final String json;

  RunState(String json) {
    this.json = json;
  }

  /** The name in the JSON documents. */
  public String json() {
    return json;
  }

  /** The state named {@code name} in a JSON document, or null if none is. */
  public static RunState fromJson(String name) {
    for (RunState s : values()) {
      if (s.json.equals(name)) {
        return s;
      }
    }
    return null;
  }
}
