package org.daisyjava.scheduler.graph;

/** Receives blocks named by task index and block id, without boxing. */
@FunctionalInterface
public interface BlockSink {
  void accept(int task, long id);
}
