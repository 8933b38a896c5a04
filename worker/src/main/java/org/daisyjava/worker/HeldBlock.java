package org.daisyjava.worker;

import org.daisyjava.core.Block;

/** A block this worker holds: given by the scheduler, not yet released, maybe running. */
record HeldBlock(Block block, int attempt, Cancellation cancellation) {
  HeldBlock(Block block, int attempt) {
    this(block, attempt, new Cancellation());
  }

  long id() {
    return block.id();
  }
}
