package org.daisyjava.launcher.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What SLURM prints, as {@link SlurmExecutor} reads it, and the command lines it builds. */
class SlurmExecutorTest {
  private final SlurmExecutor slurm = new SlurmExecutor();

  static Stream<Arguments> parsableOutputs() {
    return Stream.of(
        Arguments.of("123", "123"),
        Arguments.of("123\n", "123"),
        Arguments.of("  4567  \n", "4567"),
        Arguments.of("123;cluster1", "123"),
        Arguments.of("98765;big-cluster\n", "98765"),
        Arguments.of("\n55\n", "55"));
  }

  @ParameterizedTest
  @MethodSource("parsableOutputs")
  void sbatchParsableOutputGivesTheJobId(String stdout, String id) {
    assertEquals(id, slurm.parseJobId(stdout));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "Submitted batch job 123", "sbatch: error: x", "12a", ";cluster", "abc;123"})
  void sbatchOutputWithoutAJobIdIsAnErrorQuotingIt(String stdout) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> slurm.parseJobId(stdout));
    assertTrue(e.getMessage().contains("sbatch printed no job id"), e.getMessage());
    assertTrue(e.getMessage().contains("'" + stdout.strip() + "'"), e.getMessage());
  }

  @Test
  void squeueLinesOfArrayElementsPlainJobsAndPendingRanges() {
    String out = String.join("\n",
        "123_4 R",
        "123_[5-9] PD",
        "125_[1,3-4%2] PD",
        "124 CG",
        "126_0 S",
        "   127_12   CF   ",
        "");
    Map<String, JobState> expected = new LinkedHashMap<>();
    expected.put("123_4", JobState.RUNNING);
    for (int i = 5; i <= 9; i++) {
      expected.put("123_" + i, JobState.PENDING);
    }
    expected.put("125_1", JobState.PENDING);
    expected.put("125_3", JobState.PENDING);
    expected.put("125_4", JobState.PENDING);
    expected.put("124", JobState.RUNNING);
    expected.put("126_0", JobState.HELD);
    expected.put("127_12", JobState.PENDING);
    assertEquals(expected, slurm.parseStatus(out));
  }

  @Test
  void squeueLinesThatAreNotJobsAreSkipped() {
    String out = "JOBID ST\nslurm_load_jobs error: whatever\n\n123_1\n123_x R\n_1 R\n200_2 R\n";
    assertEquals(Map.of("200_2", JobState.RUNNING), slurm.parseStatus(out));
  }

  @Test
  void emptySqueueOutputMeansNoJobs() {
    assertTrue(slurm.parseStatus("").isEmpty());
    assertTrue(slurm.parseStatus("\n").isEmpty());
  }

  /** design.md's map of squeue's %t codes. */
  @ParameterizedTest
  @CsvSource({
      "PD,PENDING", "CF,PENDING",
      "R,RUNNING", "CG,RUNNING",
      "CD,DONE",
      "CA,FAILED", "F,FAILED", "TO,FAILED", "NF,FAILED", "PR,FAILED", "BF,FAILED", "OOM,FAILED",
      "DL,FAILED",
      "S,HELD", "ST,HELD",
      "RQ,UNKNOWN", "SE,UNKNOWN", "XYZ,UNKNOWN", "r,UNKNOWN"})
  void everyStateCodeMapsAsDesigned(String code, JobState state) {
    assertEquals(Map.of("77_3", state), slurm.parseStatus("77_3 " + code + "\n"));
  }

  @Test
  void unknownStatesCountAsAliveSoTheJobIsNotReplaced() {
    assertTrue(JobState.UNKNOWN.alive());
    assertTrue(JobState.HELD.alive());
    assertTrue(JobState.PENDING.alive());
    assertTrue(JobState.RUNNING.alive());
    for (JobState s : List.of(JobState.DONE, JobState.FAILED, JobState.GONE)) {
      assertTrue(!s.alive(), s.toString());
    }
  }

  @Test
  void rangesWithSeveralPartsAndAThrottle() {
    assertEquals(List.of(0L, 1L, 2L, 7L, 10L, 11L), SlurmExecutor.expandRange("0-2,7,10-11%3"));
    assertEquals(List.of(5L), SlurmExecutor.expandRange("5"));
  }

  @Test
  void oneArrayPerSubmissionAndItsElementIds() {
    assertEquals(List.of("sbatch", "--parsable", "--array=0-3", "/r/jobs/a.sh"),
        slurm.submitCommand(new Submission(Path.of("/r/jobs/a.sh"), 4, "daisy-r-1", Path.of("/r/logs/a"))));
    assertEquals(List.of("sbatch", "--parsable", "--array=0-0", "/r/jobs/a.sh"),
        slurm.submitCommand(new Submission(Path.of("/r/jobs/a.sh"), 1, "daisy-r-1", Path.of("/r/logs/a"))));
    assertEquals(List.of("55_0", "55_1", "55_2"), slurm.arrayElements("55", 3));
  }

  @Test
  void oneStatusCommandByJobNameNeverByJobIds() {
    List<String> argv = slurm.statusCommand("daisy-run-abc123");
    assertEquals("squeue", argv.get(0));
    assertTrue(argv.contains("--name=daisy-run-abc123"), argv.toString());
    assertTrue(argv.contains("--array"), "one line per array element: " + argv);
    assertTrue(argv.contains("--noheader"), argv.toString());
    assertTrue(argv.contains("--format=%i %t"), argv.toString());
    assertTrue(argv.stream().noneMatch(a -> a.matches("\\d+(_\\d+)?") || a.startsWith("--jobs")), argv.toString());
  }

  @Test
  void cancelIsFilteredByTheRunsJobName() {
    assertEquals(List.of("scancel", "--name=daisy-x-1", "5_0", "5_1"),
        slurm.cancelCommand("daisy-x-1", List.of("5_0", "5_1")));
    assertEquals(List.of("scancel", "9_2"), slurm.cancelCommand(null, List.of("9_2")));
  }

  /** {@code scontrol -o show job 40} as SLURM 22.05 prints it for an array, fields abridged. */
  @Test
  void scontrolSaysHowEachElementEnded() {
    Map<String, JobEnding> e = slurm.parseEndings(
        "JobId=41 ArrayJobId=40 ArrayTaskId=0 JobName=daisy-r-abc UserId=root(0) GroupId=root(0)"
            + " JobState=TIMEOUT Reason=TimeLimit Dependency=(null) Requeue=1 ExitCode=0:15\n"
            + "JobId=42 ArrayJobId=40 ArrayTaskId=1 JobName=daisy-r-abc JobState=OUT_OF_MEMORY"
            + " Reason=OutOfMemory ExitCode=0:125\n"
            + "JobId=40 ArrayJobId=40 ArrayTaskId=2 JobName=daisy-r-abc JobState=CANCELLED Reason=None"
            + " ExitCode=0:15\n"
            + "JobId=43 ArrayJobId=40 ArrayTaskId=3 JobName=daisy-r-abc JobState=FAILED"
            + " Reason=NonZeroExitCode ExitCode=0:9\n"
            + "JobId=44 ArrayJobId=40 ArrayTaskId=4 JobName=daisy-r-abc JobState=COMPLETED Reason=None"
            + " ExitCode=0:0\n"
            + "JobId=45 ArrayJobId=40 ArrayTaskId=5 JobName=daisy-r-abc JobState=NODE_FAIL Reason=NodeDown"
            + " ExitCode=0:0\n"
            + "JobId=46 JobName=plain JobState=FAILED Reason=NonZeroExitCode ExitCode=1:0\n");
    assertEquals(new JobEnding(JobEnding.Cause.TIMEOUT, 143, "TimeLimit"), e.get("40_0"));
    assertEquals(JobEnding.Cause.OUT_OF_MEMORY, e.get("40_1").cause());
    assertEquals(new JobEnding(JobEnding.Cause.CANCELLED, 143, ""), e.get("40_2"));
    assertEquals(new JobEnding(JobEnding.Cause.FAILED, 137, "NonZeroExitCode"), e.get("40_3"), "signal 9: 128 + 9");
    assertEquals(JobEnding.Cause.COMPLETED, e.get("40_4").cause());
    assertEquals(JobEnding.Cause.NODE_FAIL, e.get("40_5").cause());
    assertEquals(new JobEnding(JobEnding.Cause.FAILED, 1, "NonZeroExitCode"), e.get("46"));
    assertEquals(List.of("scontrol", "-o", "show", "job", "40"), slurm.endingCommand("40"));
    assertTrue(slurm.parseEndings("slurm_load_jobs error: Invalid job id specified\n").isEmpty());
  }

  @Test
  void theLogOfAnElementIsItsArrayJobAndIndex() {
    assertEquals(Path.of("/r/logs/a/55_3.err"), slurm.errorLog(Path.of("/r/logs/a"), "55_3"), "%A_%a.err");
    assertEquals(List.of("scontrol", "show", "config"), slurm.arrayLimitCommand());
    assertEquals("MaxArraySize", slurm.arrayLimitKey());
  }
}
