package org.daisyjava.worker;

import org.daisyjava.core.Block;

/** A {@code check: {class: ...}} for tests: blocks with even ids are done. */
public class EvenBlocksAreDone implements BlockCheck {
  @Override
  public boolean isDone(Block block) {
    return block.id() % 2 == 0;
  }
}
