package org.daisyjava.scheduler.checkpoint;

/**
 * What happened to a block, as recorded in the checkpoint log.
 *
 * <p>The one-byte codes are part of the on-disk format (see {@link CheckpointLog}); they start
 * at 1 so that a zero-filled region of the file (which some file systems leave behind after a
 * crash) can never decode as a valid record.
 */
public enum Outcome {
    /** The worker processed the block. */
    SUCCESS((byte) 1),
    /** A completion check said the block was already done, so no work was needed. */
    SKIPPED((byte) 2),
    /** Processing failed; the block is retried on resume, so it never counts as done. */
    FAILED((byte) 3);

    private final byte code;

    Outcome(byte code) {
        this.code = code;
    }

    /** Whether a resumed run may skip a block that has a record with this outcome. */
    public boolean countsAsDone() {
        return this != FAILED;
    }

    byte code() {
        return code;
    }

    /** The outcome for an on-disk code, or {@code null} if the code is not a valid one. */
    static Outcome fromCode(int code) {
        switch (code) {
            case 1: return SUCCESS;
            case 2: return SKIPPED;
            case 3: return FAILED;
            default: return null;
        }
    }
}
