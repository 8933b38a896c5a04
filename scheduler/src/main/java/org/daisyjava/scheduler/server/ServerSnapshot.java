package org.daisyjava.scheduler.server;

import java.util.List;
import org.daisyjava.scheduler.state.Failure;

/** An immutable view of the whole run, published by the loop for other threads. */
public record ServerSnapshot(
    long takenAtNanos,
    List<TaskSnapshot> tasks,
    List<Failure> failures,
    long droppedMessages,
    boolean allFinished,
    boolean stopped,
    PeerCounts peers) {

  /** A snapshot without peer counts (tests of the launcher). */
  public ServerSnapshot(long takenAtNanos, List<TaskSnapshot> tasks, List<Failure> failures,
      long droppedMessages, boolean allFinished, boolean stopped) {
    this(takenAtNanos, tasks, failures, droppedMessages, allFinished, stopped,
        new PeerCounts(droppedMessages, 0, 0, 0));
  }

  public TaskSnapshot task(String name) {
    for (TaskSnapshot t : tasks) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return null;
  }
}
