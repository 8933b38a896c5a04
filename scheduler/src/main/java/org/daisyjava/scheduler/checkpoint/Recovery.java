package org.daisyjava.scheduler.checkpoint;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * What {@link CheckpointLog#recover} found in a log: the run's header, which blocks of each task
 * are done, and how much of a damaged tail has to be cut off. Immutable: the done sets are
 * read-only (use {@link BlockBitSet#copy()} to continue marking blocks).
 */
public final class Recovery {

    private static final BlockBitSet EMPTY = new BlockBitSet().readOnlyView();

    private final Path file;
    private final byte[] header;
    private final Map<Integer, BlockBitSet> done;
    private final int[] tasks;
    private final long recordsKept;
    private final EnumMap<Outcome, Long> perOutcome;
    private final long validLength;
    private final long bytesTruncated;
    private final String truncationReason;

    /** Takes ownership of the arguments; the done sets must not be modified afterwards. */
    Recovery(Path file, byte[] header, Map<Integer, BlockBitSet> done, long recordsKept,
            EnumMap<Outcome, Long> perOutcome, long validLength, long bytesTruncated,
            String truncationReason) {
        this.file = file;
        this.header = header;
        this.done = Map.copyOf(done);
        this.tasks = done.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        this.recordsKept = recordsKept;
        this.perOutcome = perOutcome.clone();
        this.validLength = validLength;
        this.bytesTruncated = bytesTruncated;
        this.truncationReason = truncationReason;
    }

    /** The log that was read. */
    public Path file() {
        return file;
    }

    /** The caller's header bytes, exactly as given to {@link CheckpointLog#create} (a copy). */
    public byte[] header() {
        return header.clone();
    }

    /** Read-only done set of a task: blocks with a SUCCESS or SKIPPED record. Empty if none. */
    public BlockBitSet done(int task) {
        return done.getOrDefault(task, EMPTY);
    }

    /** Task indices that have at least one kept record (of any outcome), ascending. */
    public int[] tasks() {
        return tasks.clone();
    }

    /** Number of intact records before the first damaged one, FAILED records included. */
    public long recordsKept() {
        return recordsKept;
    }

    /** Number of kept records with the given outcome. */
    public long records(Outcome outcome) {
        return perOutcome.getOrDefault(outcome, 0L);
    }

    /** Length of the intact prefix (header and kept records); appending continues here. */
    public long validLength() {
        return validLength;
    }

    /** Bytes after {@link #validLength()} that are torn or corrupt; 0 if the tail was clean. */
    public long bytesTruncated() {
        return bytesTruncated;
    }

    /**
     * One line for the run's log, e.g. {@code checkpoint.log: kept 1234 records; truncated 17
     * bytes of a torn/corrupt tail at offset 19760 (torn record: 17 of 20 bytes)}.
     */
    public String report() {
        Path name = file.getFileName();
        StringBuilder sb = new StringBuilder()
                .append(name == null ? file : name)
                .append(": kept ").append(recordsKept).append(" records (")
                .append(records(Outcome.SUCCESS)).append(" success, ")
                .append(records(Outcome.SKIPPED)).append(" skipped, ")
                .append(records(Outcome.FAILED)).append(" failed); ");
        if (bytesTruncated == 0) {
            sb.append("tail clean");
        } else {
            sb.append("truncated ").append(bytesTruncated)
                    .append(" bytes of a torn/corrupt tail at offset ").append(validLength)
                    .append(" (").append(truncationReason).append(')');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return report() + ", tasks " + Arrays.toString(tasks);
    }
}
