package org.daisyjava.worker;

import org.daisyjava.core.protocol.CurveKeyPair;
import org.daisyjava.core.protocol.WorkerKeyFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daisy-worker command line, and the cluster job id it reads from the environment. */
class WorkerArgumentsTest {
  @TempDir Path dir;

  @Test
  void parsesEveryOption() throws Exception {
    String keys = new WorkerKeyFile(CurveKeyPair.generate(), CurveKeyPair.generate().publicKey()).format();
    Path keyFile = Files.writeString(dir.resolve("key"), keys);
    WorkerArguments a = WorkerArguments.parse(new String[] {
        "--connect", "tcp://head:4000, tcp://10.0.0.1:4000", "--task", "predict",
        "--run-dir", "runs/x", "--key-file", keyFile.toString(), "--connect-timeout", "90s",
        "--drain-after", "55m"});
    assertEquals(List.of("tcp://head:4000", "tcp://10.0.0.1:4000"), a.addresses());
    assertEquals("predict", a.task());
    assertEquals(Path.of("runs/x"), a.runDir());
    assertEquals(keys, a.key());
    assertEquals(Duration.ofSeconds(90), a.connectTimeout());
    assertEquals(Duration.ofMinutes(55), a.drainAfter());
  }

  @Test
  void defaultsWhereOptional() throws Exception {
    WorkerArguments a = WorkerArguments.parse(new String[] {"--connect", "tcp://h:1", "--task", "t"});
    assertNull(a.runDir());
    assertNull(a.key());
    assertEquals(Duration.ofSeconds(60), a.connectTimeout());
    assertEquals(1, a.slots());
    assertNull(a.drainAfter());
  }

  @Test
  void slotsAreAWholeNumberFromOneToSixtyFour() throws Exception {
    assertEquals(8, WorkerArguments.parse(new String[] {"--connect", "tcp://h:1", "--task", "t",
        "--slots", "8"}).slots());
    assertEquals(64, WorkerArguments.parse(new String[] {"--connect", "tcp://h:1", "--task", "t",
        "--slots", "64"}).slots());
    assertEquals("--slots: 0 is not between 1 and 64", usageError("--connect", "tcp://h:1", "--task", "t", "--slots", "0"));
    assertEquals("--slots: 65 is not between 1 and 64", usageError("--connect", "tcp://h:1", "--task", "t", "--slots", "65"));
    assertEquals("--slots: 'four' is not a whole number",
        usageError("--connect", "tcp://h:1", "--task", "t", "--slots", "four"));
  }

  @Test
  void durationsTakeTheContractsUnits() throws Exception {
    assertEquals(Duration.ofMillis(500), WorkerArguments.duration("-x", "500ms"));
    assertEquals(Duration.ofMinutes(10), WorkerArguments.duration("-x", "10m"));
    assertEquals(Duration.ofHours(2), WorkerArguments.duration("-x", "2h"));
    assertEquals(Duration.ofMillis(1500), WorkerArguments.duration("-x", "1.5s"));
    assertThrows(UsageException.class, () -> WorkerArguments.duration("-x", "1.5"), "a unit is required, as in the config");
  }

  @Test
  void usageErrorsSayWhatIsWrong() {
    assertEquals("--connect is required", usageError("--task", "t"));
    assertEquals("--task is required", usageError("--connect", "tcp://h:1"));
    assertEquals("--connect: 'head:4000' is not an address like tcp://host:port",
        usageError("--connect", "head:4000", "--task", "t"));
    assertTrue(usageError("--connect", "tcp://h:1", "--task", "t", "--key-file",
        dir.resolve("missing").toString()).startsWith("--key-file: cannot read"));
    assertEquals("--connect-timeout: expected a duration such as 500ms, 30s, 10m or 2h, got 'soon'",
        usageError("--connect", "tcp://h:1", "--task", "t", "--connect-timeout", "soon"));
    assertEquals("unexpected argument 'extra'", usageError("--connect", "tcp://h:1", "--task", "t", "extra"));
    assertTrue(usageError("--bogus").contains("bogus"));
  }

  @Test
  void aFileThatIsNotAWorkerKeyFileIsAUsageErrorThatQuotesNoSecret() throws Exception {
    Path old = Files.writeString(dir.resolve("old.key"), "0123456789abcdef0123456789abcdef\n");
    String oldError = usageError("--connect", "tcp://h:1", "--task", "t", "--key-file", old.toString());
    assertTrue(oldError.startsWith("--key-file: " + old + ": line 1"), oldError);
    assertFalse(oldError.contains("0123456789abcdef"), oldError);
    Path huge = Files.writeString(dir.resolve("huge.key"), "x".repeat(WorkerKeyFile.MAX_BYTES + 1));
    assertTrue(usageError("--connect", "tcp://h:1", "--task", "t", "--key-file", huge.toString())
        .contains("not a worker key file"));
    Path plain = Files.writeString(dir.resolve("plain.key"), WorkerKeyFile.PLAIN_TEXT);
    assertEquals(WorkerKeyFile.PLAIN_TEXT, WorkerArguments.parse(new String[] {"--connect", "tcp://h:1",
        "--task", "t", "--key-file", plain.toString()}).key());
  }

  @Test
  void mainReturnsTwoOnUsageErrorsAndZeroForHelp() {
    assertEquals(WorkerExitCodes.USAGE, WorkerMain.run(new String[] {"--task", "t"}, Map.of()));
    assertEquals(0, WorkerMain.run(new String[] {"--help"}, Map.of()));
  }

  @Test
  void clusterJobIdComesFromSlurmOrLsf() {
    assertEquals("1234_5", ClusterJobId.fromEnvironment(Map.of(
        "SLURM_JOB_ID", "1240", "SLURM_ARRAY_JOB_ID", "1234", "SLURM_ARRAY_TASK_ID", "5")));
    assertEquals("1240", ClusterJobId.fromEnvironment(Map.of("SLURM_JOB_ID", "1240")));
    assertEquals("77[3]", ClusterJobId.fromEnvironment(Map.of("LSB_JOBID", "77", "LSB_JOBINDEX", "3")));
    assertEquals("77", ClusterJobId.fromEnvironment(Map.of("LSB_JOBID", "77", "LSB_JOBINDEX", "0")));
    assertNull(ClusterJobId.fromEnvironment(Map.of("HOME", "/root")));
  }

  private static String usageError(String... args) {
    return assertThrows(UsageException.class, () -> WorkerArguments.parse(args)).getMessage();
  }
}
