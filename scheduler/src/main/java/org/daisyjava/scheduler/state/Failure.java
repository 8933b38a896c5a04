package org.daisyjava.scheduler.state;

/**
 * A block that failed for good, for the end-of-run summary.
 *
 * @param attempts how often it was tried
 * @param error the error text of its last attempt
 * @param source where to look: the worker and its log file, if known
 */
public record Failure(String task, long blockId, int attempts, String error, String source) {}
