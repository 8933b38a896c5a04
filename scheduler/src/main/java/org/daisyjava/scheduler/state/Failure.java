package org.daisyjava.scheduler.state;

import org.daisyjava.core.Roi;

/**
 * A block that failed for good, or a task that was given up, for the end-of-run summary.
 *
 * @param blockId the block, or -1 for a failure of the whole task
 * @param writeRoi the block's write ROI in world units (where its output is missing), or null
 *     for a failure of the whole task
 * @param attempts how often it was tried
 * @param error the error text of its last attempt
 * @param source where to look: the worker and its log file, if known
 */
public record Failure(String task, long blockId, Roi writeRoi, int attempts, String error,
    String source) {}
