package org.daisyjava.scheduler.server;

import org.daisyjava.core.Block;

/**
 * A task's {@code check:}: says whether a block is already done, so that it is counted as
 * completed and skipped instead of being sent to a worker. Runs on the scheduler's check pool
 * (a few threads of its own, possibly several calls at once), never on the loop thread, so a slow
 * check delays only the blocks it checks.
 */
@FunctionalInterface
public interface BlockChecker {
  boolean isDone(Block block) throws Exception;
}
