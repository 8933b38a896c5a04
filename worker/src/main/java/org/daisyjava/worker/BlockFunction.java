package org.daisyjava.worker;

import org.daisyjava.core.Block;

/**
 * A task's code: what a worker does with each block it is given ({@code process: {class: ...}},
 * or a function handed to {@link WorkerOptions#withFunction} in-process).
 *
 * <p>Usable as a lambda, {@code block -> ...}, when only {@link #process} matters. A worker calls
 * {@link #setup} once before its first block, then {@link #process} for one block at a time, then
 * {@link #teardown} once when it leaves, all on the same thread. Blocks may run more than once
 * (retries, a crash of the scheduler), so {@link #process} must be idempotent per block.
 *
 * <p>When the scheduler abandons a running block (it timed out and was given to another worker),
 * the thread running it is interrupted: long-running code should use interruptible calls or check
 * {@link Thread#isInterrupted()}.
 */
@FunctionalInterface
public interface BlockFunction {
  /**
   * Processes one block. Returning normally means success; throwing fails the block and the
   * exception's text becomes the failure's error.
   */
  void process(Block block) throws Exception;

  /**
   * Called once per worker before its first block. Throwing means the code cannot run here: the
   * worker leaves without taking blocks (exit code 4).
   */
  default void setup(WorkerContext context) throws Exception {}

  /** Called once when the worker leaves, after its last block. */
  default void teardown() throws Exception {}
}
