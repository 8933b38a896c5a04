package org.daisyjava.scheduler.checkpoint;

/**
 * Thrown by {@link CheckpointLog#append}, {@link CheckpointLog#flush()} and
 * {@link CheckpointLog#close()} once the background writer has failed. The cause is the original
 * failure (usually an {@link java.io.IOException} from the file system), so that an error such
 * as "disk full" reaches the scheduler instead of dying with the writer thread.
 *
 * <p>Unchecked because {@code append} sits on the scheduler's hot path and the only sensible
 * reaction is to stop the run: records not yet reported as durable must be treated as not done.
 */
public class CheckpointLogFailedException extends RuntimeException {

    CheckpointLogFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
