package org.daisyjava.worker;

import org.daisyjava.core.Block;

/**
 * Says whether a block is already done, so that it is skipped ({@code check:} of a task). Runs in
 * the scheduler's process, possibly on several threads at once, so it must be thread-safe.
 */
@FunctionalInterface
public interface BlockCheck {
  /** True if the block's output already exists and the block need not run. */
  boolean isDone(Block block) throws Exception;
}
