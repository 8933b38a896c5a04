package org.daisyjava.launcher.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link LsfExecutor} against outputs as LSF's documentation shows them (bsub's answer, bjobs -w
 * and -o columns, the not-found messages) and the commands it builds.
 */
class LsfExecutorTest {
  private final LsfExecutor lsf = new LsfExecutor();

  @Test
  void theSubmitAnswerWithOrWithoutDefaultQueueAndAfterTheWaitLine() {
    assertEquals("2329803", lsf.parseJobId("Job <2329803> is submitted to default queue <normal>.\n"));
    assertEquals("12", lsf.parseJobId("Job <12> is submitted to queue <short>.\n"));
    assertEquals("4711", lsf.parseJobId("LSF is processing your request. Please wait ...\n"
        + "Job <4711> is submitted to queue <gpu>.\n"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> lsf.parseJobId("Request aborted by esub. Job not submitted.\n"));
    assertTrue(e.getMessage().contains("Request aborted by esub"), e.getMessage());
  }

  @Test
  void theScriptGoesOnStdinAndTheArrayIsInIt() {
    Submission s = new Submission(Path.of("/r/jobs/a.sh"), 4, "daisy-r-1", Path.of("/r/logs/a"));
    assertEquals(List.of("bsub"), lsf.submitCommand(s));
    assertEquals("#!/bin/bash\n", lsf.submitInput(s, "#!/bin/bash\n"));
    assertEquals(List.of("77[1]", "77[2]", "77[3]"), lsf.arrayElements("77", 3), "indices start at 1");
    assertEquals(Path.of("/r/logs/a/77_3.err"), lsf.errorLog(Path.of("/r/logs/a"), "77[3]"), "%J_%I.err");
  }

  @Test
  void customColumnsWithIndexZeroForAPlainJob() {
    Map<String, JobState> expected = new LinkedHashMap<>();
    expected.put("2329803[1]", JobState.RUNNING);
    expected.put("2329803[2]", JobState.PENDING);
    expected.put("2329803[3]", JobState.DONE);
    expected.put("2329803[4]", JobState.FAILED);
    expected.put("2329803[5]", JobState.HELD);
    expected.put("2329803[6]", JobState.HELD);
    expected.put("2329803[7]", JobState.HELD);
    expected.put("2329803[8]", JobState.UNKNOWN);
    expected.put("2329803[9]", JobState.FAILED);
    expected.put("55", JobState.RUNNING);
    assertEquals(expected, lsf.parseStatus("""
        2329803 1 RUN
        2329803 2 PEND
        2329803 3 DONE
        2329803 4 EXIT
        2329803 5 PSUSP
        2329803 6 USUSP
        2329803 7 SSUSP
        2329803 8 UNKWN
        2329803 9 ZOMBI
        55 0 RUN
        """));
  }

  /** bjobs -w: ids and names are not cut; a pending job has no EXEC_HOST yet. */
  @Test
  void wideOutputWithLongIdsAndArrayElementsInTheJobName() {
    Map<String, JobState> m = lsf.parseStatus("""
        JOBID      USER    STAT  QUEUE      FROM_HOST   EXEC_HOST   JOB_NAME   SUBMIT_TIME
        1234567890 alice   RUN   normal     login1      node17      daisy-smooth-demo-a1b2c3[4] Dec  1 09:00
        1234567890 alice   PEND  normal     login1                  daisy-smooth-demo-a1b2c3[5] Dec  1 09:00
        98765      alice   DONE  short      login1      4*node02    daisy-smooth-demo-a1b2c3 Dec  1 08:59
        """);
    assertEquals(Map.of("1234567890[4]", JobState.RUNNING, "1234567890[5]", JobState.PENDING,
        "98765", JobState.DONE), m);
  }

  @Test
  void notFoundMessagesAreEmptyAnswersOtherFailuresAreNot() {
    assertTrue(lsf.isEmptyAnswer(new CommandRunner.Result(255, "", "No unfinished job found\n")));
    assertTrue(lsf.isEmptyAnswer(new CommandRunner.Result(255, "", "Job <123> is not found\n")));
    assertTrue(lsf.isEmptyAnswer(new CommandRunner.Result(255, "", "Job <daisy-run-abc123> is not found\n")));
    assertTrue(lsf.isEmptyAnswer(new CommandRunner.Result(255, "", "No job found\n")));
    assertFalse(lsf.isEmptyAnswer(new CommandRunner.Result(255, "",
        "LSF is down. Please wait ...\nbjobs: Failed in an LSF library call: Slave LIM configuration is not ready yet\n")));
    assertEquals(Map.of(), lsf.parseStatus(""));
  }

  @Test
  void oneStatusCallByJobNameIncludingFinishedJobs() {
    assertEquals(List.of("bjobs", "-a", "-noheader", "-o", "jobid jobindex stat", "-J", "daisy-r-abc"),
        lsf.statusCommand("daisy-r-abc"));
  }

  @Test
  void killsInThisLaunchByIdAndLeftoversByJobName() {
    assertEquals(List.of("bkill", "12", "13[2]"), lsf.cancelCommand("daisy-r-abc", List.of("12", "13[2]")));
    assertEquals(List.of("bkill", "-J", "daisy-r-old", "0"),
        lsf.cancelLeftoversCommand("daisy-r-old", List.of("7[1]", "7[2]")));
    assertEquals(List.of("bkill", "7[1]"), lsf.cancelLeftoversCommand(null, List.of("7[1]")));
  }

  @Test
  void exitReasonsMapToTheCausesTheLauncherAdvisesOn() {
    Map<String, JobEnding> e = lsf.parseEndings("""
        300|1|EXIT|140|TERM_RUNLIMIT: job killed after reaching LSF run time limit
        300|2|EXIT|137|TERM_MEMLIMIT: job killed after reaching LSF memory usage limit
        300|3|EXIT|130|TERM_OWNER: job killed by owner
        300|4|DONE|-|-
        300|5|EXIT|1|-
        300|6|ZOMBI|-|TERM_ZOMBIE: job exited while LSF is not available
        """);
    assertEquals(JobEnding.Cause.TIMEOUT, e.get("300[1]").cause());
    assertEquals(JobEnding.Cause.OUT_OF_MEMORY, e.get("300[2]").cause());
    assertEquals(JobEnding.Cause.CANCELLED, e.get("300[3]").cause());
    assertEquals(new JobEnding(JobEnding.Cause.COMPLETED, 0, ""), e.get("300[4]"));
    assertEquals(new JobEnding(JobEnding.Cause.FAILED, 1, ""), e.get("300[5]"));
    assertEquals(JobEnding.Cause.NODE_FAIL, e.get("300[6]").cause());
    assertEquals(List.of("bjobs", "-a", "-noheader", "-o",
        "jobid jobindex stat exit_code exit_reason delimiter='|'", "300"), lsf.endingCommand("300"));
  }

  @Test
  void theArrayLimitIsMaxJobArraySize() {
    assertEquals(List.of("bparams", "-a"), lsf.arrayLimitCommand());
    assertEquals("MAX_JOB_ARRAY_SIZE", lsf.arrayLimitKey());
  }
}
