package org.daisyjava.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The batch systems' sections: walltimes in the project's units or the system's own notation,
 * written back as the directive wants them; the drain and its limits; the block timeout against
 * the walltime; memory with an explicit unit for LSF.
 */
class BatchSettingsTest {
  private static final String TASK = """
      tasks:
        - name: a
          total_roi: {offset: [0], shape: [100]}
          read_roi: {offset: [0], shape: [10]}
          write_roi: {offset: [0], shape: [10]}
      """;

  private static PipelineConfig parse(String head) throws ConfigException {
    return ConfigLoader.parse(head + "\n" + TASK, "p.yaml", Path.of("."), "p");
  }

  private static SlurmSettings slurm(String section) throws ConfigException {
    return parse("slurm: " + section).tasks().get(0).batch().get(SlurmSettings.SECTION);
  }

  private static LsfSettings lsf(String section) throws ConfigException {
    return parse("lsf: " + section).tasks().get(0).batch().get(LsfSettings.SECTION);
  }

  private static String error(String head) {
    return assertThrows(ConfigException.class, () -> parse(head)).getMessage();
  }

  @ParameterizedTest
  @CsvSource({
      "90m, 01:30:00", "2h, 02:00:00", "1d, 1-00:00:00", "150s, 00:03:00",
      "30, 00:30:00", "'10:30', 00:11:00", "'02:00:00', 02:00:00", "'1-12', 1-12:00:00",
      "'2-03:04', 2-03:04:00", "'1-00:00:01', 1-00:01:00", "'36:00:00', 1-12:00:00"})
  void slurmTimeInProjectUnitsOrSlurmsOwn(String given, String directive) throws Exception {
    assertEquals(directive, slurm("{time: '" + given + "'}").walltimeDirective());
  }

  @ParameterizedTest
  @CsvSource({"90m, 1:30", "2h, 2:00", "'02:00', 2:00", "90, 1:30", "'1:75', 2:15", "61s, 0:02"})
  void lsfWalltimeInProjectUnitsOrLsfsOwn(String given, String directive) throws Exception {
    assertEquals(directive, lsf("{walltime: '" + given + "'}").walltimeDirective());
  }

  @Test
  void aMalformedWalltimeSaysWhatIsExpected() {
    assertEquals("p.yaml:1: slurm.time: expected a duration like 90m or 2h, or SLURM's [D-]HH:MM:SS, got 'x'",
        error("slurm: {time: x}"));
    assertEquals("p.yaml:1: lsf.walltime: expected a duration like 90m or 2h, or LSF's [HH:]MM, got '1:2:3'",
        error("lsf: {walltime: '1:2:3'}"));
    assertEquals("p.yaml:1: slurm.time: must be at least 1 minute (batch systems count whole minutes), got '20s'",
        error("slurm: {time: 20s}"));
  }

  @Test
  void theDrainIsAFewMinutesButNeverMoreThanHalfTheWalltime() throws Exception {
    assertEquals(300, slurm("{time: 2h}").drainSeconds());
    assertEquals(300, slurm("{}").drainSeconds(), "no walltime: relative to the site's limit");
    assertEquals(30, slurm("{time: 1m}").drainSeconds());
    assertEquals(45, slurm("{time: 10m, drain: 45s}").drainSeconds());
    assertEquals("0:05", lsf("{walltime: 2h}").drainDirective());
    assertEquals("0:02", lsf("{walltime: 2h, drain: 90s}").drainDirective(), "-wt is in minutes: rounded up");
    assertEquals("0:01", lsf("{walltime: 1m}").drainDirective(), "at least one minute");
  }

  @Test
  void aDrainAsLongAsTheWalltimeIsAnError() {
    assertEquals("p.yaml:1: slurm.drain: drain (600s) must be shorter than time (5 min): the worker would be"
        + " told to leave before it started", error("slurm: {time: 5m, drain: 10m}"));
  }

  @Test
  void aBlockTimeoutLongerThanTheWalltimeIsAnError() {
    String e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
        lsf: {walltime: 30m}
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [100]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            timeout: 1h
        """, "p.yaml", Path.of("."), "p")).getMessage();
    assertEquals("p.yaml:7: tasks[0].timeout: the block timeout (3600s) is longer than lsf.walltime (30 min):"
        + " a block could never finish in one job", e);
  }

  @Test
  void aTaskMayOverrideTheWalltimeButNotThePollInterval() throws Exception {
    PipelineConfig c = ConfigLoader.parse("""
        slurm: {time: 1h, poll_interval: 2s}
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [100]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            timeout: 90m
            slurm: {time: 2h}
        """, "p.yaml", Path.of("."), "p");
    SlurmSettings s = c.tasks().get(0).batch().get(SlurmSettings.SECTION);
    assertEquals("02:00:00", s.walltimeDirective());
    assertEquals(Duration.ofSeconds(2), s.common().pollInterval());
    assertEquals("01:00:00", c.batch().get(SlurmSettings.SECTION).walltimeDirective());
    String e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(TASK.replace(
        "write_roi: {offset: [0], shape: [10]}", "write_roi: {offset: [0], shape: [10]}\n    lsf: {poll_interval: 1s}"),
        "p.yaml", Path.of("."), "p")).getMessage();
    assertEquals("p.yaml:6: tasks[0].lsf.poll_interval: is set for the whole run, not per task", e);
  }

  @ParameterizedTest
  @CsvSource({"16G, 16GB", "512M, 512MB", "4GB, 4GB", "2T, 2TB", "1024, 1KB", "1000, 1KB", "2048B, 2KB"})
  void lsfMemoryAlwaysCarriesAUnit(String given, String written) throws Exception {
    assertEquals(written, lsf("{mem: " + given + "}").memWithUnit());
  }

  @Test
  void unsetValuesStayUnset() throws Exception {
    LsfSettings l = lsf("{queue: short}");
    assertNull(l.walltimeDirective());
    assertNull(l.memWithUnit());
    assertEquals("short", l.queue());
  }

  @Test
  void directiveValuesCannotLeaveTheirLine() {
    assertEquals("p.yaml:1: lsf.queue: contains characters not allowed here: 'a b'", error("lsf: {queue: 'a b'}"));
    assertEquals("p.yaml:1: lsf.project: contains characters not allowed here: 'x;y'", error("lsf: {project: 'x;y'}"));
  }
}
