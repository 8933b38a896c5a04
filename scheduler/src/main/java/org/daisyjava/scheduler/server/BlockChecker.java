package org.daisyjava.scheduler.server;

import org.daisyjava.core.Block;

/**
 * A task's {@code check:}: says whether a block is already done, so that it is counted as
 * completed and skipped instead of being sent to a worker. Runs on the scheduler's loop thread.
 */
@FunctionalInterface
public interface BlockChecker {
  boolean isDone(Block block) throws Exception;
}
