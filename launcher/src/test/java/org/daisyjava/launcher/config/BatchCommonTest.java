package org.daisyjava.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The keys every batch system's section shares, read once in {@link BatchCommon}: the resources
 * under the same names ({@code mem}, {@code gpus}) and under the system's own name for the cpus
 * ({@code slurm.cpus_per_task}, {@code lsf.cores}), a task's override over the section, and each
 * section knowing exactly its own keys.
 */
class BatchCommonTest {
  private static final String TASKS = "tasks:\n" + TaskYaml.task("a")
      + TaskYaml.task("b", "slurm: {mem: 1G, cpus_per_task: 8}", "lsf: {gpus: 0, cores: 3}");

  private static PipelineConfig parse(String head) throws ConfigException {
    return ConfigLoader.parse(head + "\n" + TASKS, "p.yaml", Path.of("."), "p");
  }

  @Test
  void theResourcesAreCommonWithTheSystemsNameForTheCpus() throws Exception {
    PipelineConfig c = parse("""
        slurm: {mem: 16g, cpus_per_task: 4, gpus: 2, time: 90m}
        lsf: {mem: 8G, cores: 6, gpus: 1, walltime: 2h}
        """);
    SlurmSettings sa = c.task("a").batch().get(SlurmSettings.SECTION);
    LsfSettings la = c.task("a").batch().get(LsfSettings.SECTION);
    assertEquals(List.of("16G", 4, 2), List.of(sa.mem(), sa.cpus(), sa.gpus()));
    assertEquals(4, sa.cpusPerTask());
    assertEquals(List.of("8G", 6, 1), List.of(la.mem(), la.cpus(), la.gpus()));
    assertEquals(6, la.cores());
    assertEquals(List.of("time", "01:30:00", "walltime", "2:00"),
        List.of(sa.walltimeKey(), sa.walltimeDirective(), la.walltimeKey(), la.walltimeDirective()));

    SlurmSettings sb = c.task("b").batch().get(SlurmSettings.SECTION);
    LsfSettings lb = c.task("b").batch().get(LsfSettings.SECTION);
    assertEquals(List.of("1G", 8, 2), List.of(sb.mem(), sb.cpus(), sb.gpus()), "overridden, gpus inherited");
    assertEquals(List.of("8G", 3, 0), List.of(lb.mem(), lb.cpus(), lb.gpus()), "overridden, mem inherited");
  }

  @Test
  void unsetResourcesAreNull() throws Exception {
    BatchCommon s = parse("").task("a").batch().get(SlurmSettings.SECTION).common();
    assertNull(s.mem());
    assertNull(s.cpus());
    assertNull(s.gpus());
    assertNull(parse("").task("a").batch().get(LsfSettings.SECTION).walltimeDirective());
  }

  @Test
  void eachSectionKnowsOnlyItsOwnNamesForTheCpusAndTheWalltime() {
    for (String wrong : List.of("slurm.cores", "slurm.walltime", "lsf.cpus_per_task", "lsf.time")) {
      String[] k = wrong.split("\\.");
      ConfigException e = assertThrows(ConfigException.class, () -> parse(k[0] + ": {" + k[1] + ": 2}"), wrong);
      assertTrue(e.getMessage().startsWith("p.yaml:1: " + wrong + ": unknown key"), e.getMessage());
    }
  }

  @Test
  void aSectionsKeysAreTheCommonOnesPlusItsOwn() {
    Walltime.Notation n = new Walltime.Notation("w", "test", v -> null, d -> "");
    assertEquals(Set.of("drain", "mem", "gpus", "job_extra_directives", "job_script_prologue", "template",
        "poll_interval", "w", "c", "queue"), BatchCommon.keys(n, "c", "queue"));
  }

  @Test
  void theCpusAndGpusAreBoundedInEverySection() {
    for (String bad : List.of("slurm: {cpus_per_task: 0}", "lsf: {cores: 0}", "slurm: {gpus: 1025}",
        "lsf: {gpus: -1}", "lsf: {cores: 100001}")) {
      assertThrows(ConfigException.class, () -> parse(bad), bad);
    }
  }

  /** The worker's own drain clock: walltime less drain (the default drain: 5m, at most half). */
  @Test
  void theDrainClockIsTheWalltimeLessTheDrainAndAbsentWithoutAWalltime() throws Exception {
    PipelineConfig c = parse("""
        slurm: {time: 2h}
        lsf: {walltime: 4m, drain: 1m}
        """);
    assertEquals(java.time.Duration.ofMinutes(115), c.task("a").batch().get(SlurmSettings.SECTION).common().drainAfter());
    assertEquals(java.time.Duration.ofMinutes(3), c.task("a").batch().get(LsfSettings.SECTION).common().drainAfter());
    PipelineConfig shortWalltime = parse("slurm: {time: 2m}");
    assertEquals(java.time.Duration.ofMinutes(1),
        shortWalltime.task("a").batch().get(SlurmSettings.SECTION).common().drainAfter(), "half the walltime");
    assertNull(parse("slurm: {drain: 10m}").task("a").batch().get(SlurmSettings.SECTION).common().drainAfter());
  }
}
