package org.daisyjava.scheduler.server;

import java.time.Duration;
import org.daisyjava.core.BlockCode;

/**
 * What the server needs to know about one task beyond its geometry.
 *
 * @param process sent to workers in {@code welcome}; null when workers bring their own code
 * @param timeout a lease older than this is failed and retried; null = no limit
 * @param checker decides whether a block is already done; null = none
 */
public record TaskSettings(BlockCode process, Duration timeout, BlockChecker checker) {
  public static final TaskSettings NONE = new TaskSettings(null, null, null);
}
