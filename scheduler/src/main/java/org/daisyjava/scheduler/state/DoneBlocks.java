package org.daisyjava.scheduler.state;

import java.util.function.LongConsumer;

/**
 * The blocks of one task that an earlier launch of the same pipeline finished (read from its
 * checkpoint log). The scheduling state treats them as done from the start: it counts them as
 * skipped at once and never stores anything per block for them.
 */
public interface DoneBlocks {
  boolean contains(long id);

  /** How many blocks are in the set. */
  long count();

  /** Calls {@code action} for every block in the set, in ascending id order. */
  void forEach(LongConsumer action);
}
