package org.daisyjava.scheduler.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Helpers for writing and damaging logs in tests. */
final class LogFiles {

    static final byte[] HEADER =
            "task seg: roi [0:1000, 0:2000, 0:4000] block [64, 64, 64]\n".getBytes(StandardCharsets.UTF_8);

    private LogFiles() {
    }

    /** Offset of the first block record in a log created with {@link #HEADER}. */
    static long recordsStart() {
        return LogFormat.headerRecordBytes(HEADER.length);
    }

    /** Creates a log holding {@code n} SUCCESS records of task 0 for blocks 0..n-1. */
    static void writeLog(Path file, int n) throws IOException {
        RecordingListener listener = new RecordingListener();
        try (CheckpointLog log = CheckpointLog.create(file, HEADER, listener)) {
            for (int i = 0; i < n; i++) {
                log.append(0, i, Outcome.SUCCESS);
            }
        }
    }

    static void appendBytes(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.APPEND);
    }

    static void truncate(Path file, long length) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(length);
        }
    }

    static void flipByte(Path file, long offset) throws IOException {
        byte[] all = Files.readAllBytes(file);
        all[Math.toIntExact(offset)] ^= 0x5A;
        Files.write(file, all);
    }
}
