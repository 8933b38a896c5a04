package org.daisyjava.scheduler.checkpoint;

import java.io.IOException;

/**
 * Told by a {@link CheckpointLog} when appended records have reached the disk.
 *
 * <p>Both methods are called from the log's single writer thread, never concurrently with each
 * other. They should return quickly (hand the work to another thread if needed): while a callback
 * runs no further group commit happens, and {@link CheckpointLog#flush()} waits for it.
 */
public interface DurabilityListener {

    /**
     * Every record with a sequence number {@code <= upToSequence} has been written and forced to
     * disk. Successive calls carry strictly increasing values, and never a value larger than the
     * last sequence number handed out by {@link CheckpointLog#append(int, long, Outcome)}.
     *
     * <p>If this method throws, the log stops (it can no longer promise that it reports
     * durability to anyone) and subsequent appends and flushes fail with
     * {@link CheckpointLogFailedException}.
     */
    void durable(long upToSequence);

    /**
     * Writing or forcing the log failed. No {@link #durable} call follows; records after the last
     * reported sequence must be treated as not done. Called at most once.
     */
    void failed(IOException cause);
}
