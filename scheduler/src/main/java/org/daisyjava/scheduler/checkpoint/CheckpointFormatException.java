package org.daisyjava.scheduler.checkpoint;

/**
 * The file is not a checkpoint log this build can resume from: it is empty, has a different
 * magic number or format version, or its header record is truncated or fails its checksum.
 *
 * <p>Unlike damage to the tail of the log (which recovery repairs by truncating), a bad header
 * means we cannot know which run the file belongs to, so resuming from it would be a guess.
 * Checked, so that callers are forced to turn it into a clear error (the launcher exits with
 * code 2) rather than let it escape as a stack trace. Deliberately not an
 * {@link java.io.IOException}: it describes the file's content, not a failing device.
 */
public class CheckpointFormatException extends Exception {

    CheckpointFormatException(String message) {
        super(message);
    }
}
