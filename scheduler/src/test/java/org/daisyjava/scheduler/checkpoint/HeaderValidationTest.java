package org.daisyjava.scheduler.checkpoint;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeaderValidationTest {

    @TempDir
    Path dir;

    private Path log(int records) throws Exception {
        Path file = dir.resolve("checkpoint.log");
        LogFiles.writeLog(file, records);
        return file;
    }

    private static void assertRejected(Path file, String... expectedFragments) {
        CheckpointFormatException e =
                assertThrows(CheckpointFormatException.class, () -> CheckpointLog.recover(file));
        String message = e.getMessage();
        assertTrue(message.contains(file.toString()), "names the file: " + message);
        for (String fragment : expectedFragments) {
            assertTrue(message.contains(fragment), "'" + fragment + "' in: " + message);
        }
    }

    @Test
    void emptyFile() throws Exception {
        Path file = dir.resolve("checkpoint.log");
        Files.createFile(file);
        assertRejected(file, "is empty", "not a checkpoint log");
    }

    @Test
    void shorterThanTheHeaderPrefix() throws Exception {
        Path file = dir.resolve("checkpoint.log");
        Files.write(file, "DAISY".getBytes(StandardCharsets.US_ASCII));
        assertRejected(file, "not a checkpoint log", "too short");
    }

    @Test
    void unrelatedFile() throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "tasks:\n  - name: segment\n    block_size: [64, 64, 64]\n");
        assertRejected(file, "not a daisy-java checkpoint log", "DAISYCKP");
    }

    @Test
    void otherFormatVersion() throws Exception {
        Path file = log(5);
        LogFiles.flipByte(file, LogFormat.MAGIC.length); // version 1 becomes 0x5B
        assertRejected(file, "format version 91", "only version 1");
    }

    @Test
    void corruptHeaderBytesFailTheChecksum() throws Exception {
        Path file = log(5);
        LogFiles.flipByte(file, LogFormat.HEADER_PREFIX_BYTES + 3); // inside the caller's header
        assertRejected(file, "corrupt checkpoint header", "CRC32C");
    }

    @Test
    void corruptHeaderLength() throws Exception {
        Path file = log(5);
        LogFiles.flipByte(file, LogFormat.MAGIC.length + 4 + 3); // high byte of the length
        assertRejected(file, "corrupt checkpoint header", "implausible");
    }

    @Test
    void headerCutShort() throws Exception {
        Path file = log(0);
        LogFiles.truncate(file, LogFiles.recordsStart() - 1);
        assertRejected(file, "truncated checkpoint header");
    }
}
