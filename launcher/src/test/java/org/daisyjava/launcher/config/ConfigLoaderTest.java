package org.daisyjava.launcher.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.Roi;
import org.daisyjava.core.Fit;
import org.daisyjava.scheduler.state.FailureLimit;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  @Test
  void theContractsExampleLoadsWithEveryKey() throws Exception {
    PipelineConfig c = ConfigLoader.load(Path.of("src/test/resources/config/contract-example.yaml"));
    assertEquals("smooth-demo", c.name());
    assertEquals(Path.of("runs/smooth-demo"), c.runDir());
    assertEquals("local", c.backend());
    assertEquals(List.of(), c.scheduler().hosts(), "auto = probe");
    assertEquals(0, c.scheduler().portLow());
    assertEquals(Duration.ofSeconds(1), c.scheduler().heartbeatInterval());
    assertEquals(5, c.scheduler().heartbeatLiveness());
    assertEquals(Duration.ofSeconds(30), c.scheduler().statusInterval());
    assertEquals("java", c.worker().java());
    assertEquals(List.of("-Xmx2g"), c.worker().jvmOptions());
    assertEquals(List.of("target/my-pipeline.jar"), c.worker().classpath());
    assertEquals(Map.of("OMP_NUM_THREADS", "1"), c.worker().env());
    assertEquals(10, c.worker().maxRestarts());
    assertEquals(java.util.OptionalInt.of(1), c.worker().slots());
    assertEquals("gpu", slurm(c).partition());
    assertEquals("02:00:00", slurm(c).walltimeDirective());
    assertEquals("16G", slurm(c).mem());
    assertEquals(4, slurm(c).cpusPerTask());
    assertEquals(List.of("--exclusive"), slurm(c).common().jobExtraDirectives());
    assertEquals(List.of("module load java/17"), slurm(c).common().jobScriptPrologue());
    assertNull(slurm(c).constraint());
    assertEquals(Duration.ofSeconds(10), slurm(c).common().pollInterval());
    assertEquals("normal", lsf(c).queue());
    assertEquals("2:00", lsf(c).walltimeDirective(), "LSF's [HH:]MM, written back as H:MM");
    assertEquals(List.of("-R \"select[avx2]\""), lsf(c).common().jobExtraDirectives());
    assertEquals("login1.cluster.org", c.ssh().host());
    assertEquals("alice", c.ssh().user());

    TaskConfig t = c.tasks().get(0);
    assertEquals("predict", t.name());
    assertEquals(Roi.of(new long[] {-8, -8, -8}, new long[] {80, 80, 80}), t.geometry().readRoi());
    assertArrayEquals(new long[] {1, 1, 1}, t.voxelSize());
    assertEquals(Fit.VALID, t.geometry().fit());
    assertTrue(t.geometry().readWriteConflict());
    assertEquals(8, t.numWorkers());
    assertEquals(2, t.maxRetries());
    assertEquals(Duration.ofMinutes(10), t.timeout());
    assertEquals(new FailureLimit.Blocks(10), t.maxFailures());
    assertEquals(Map.of("MODEL", "unet"), t.env());
    assertEquals(new BlockCode(BlockCode.Kind.CLASS, "org.example.Predict",
        Map.of(BlockCode.VOXEL_SIZE_OPTION, "1,1,1")), t.process(), "the voxel size travels to class code");
    assertEquals(BlockCode.of(BlockCode.Kind.COMMAND, "test -f out/$DAISY_BLOCK_ID.done"), t.check());
    assertEquals("gpu", slurm(t).partition());
    assertEquals(1, slurm(t).gpus());
    assertEquals("lab", slurm(t).account(), "task overrides keep the other top-level keys");
    assertEquals(3375, c.graph().grid(0).blockCount(), "(1024 - 2 * 8) / 64 = 15 blocks per axis");
  }

  @Test
  void onlyTasksAreRequiredAndDefaultsFollowTheContract() throws Exception {
    PipelineConfig c = ConfigLoader.parse("""
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [100]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
        """, "pipeline.yaml", Path.of("."), "pipeline");
    assertEquals("pipeline", c.name());
    assertEquals(Path.of("daisy-runs", "pipeline"), c.runDir());
    assertEquals("local", c.backend());
    TaskConfig t = c.tasks().get(0);
    assertEquals(Fit.VALID, t.geometry().fit());
    assertTrue(t.geometry().readWriteConflict());
    assertEquals(1, t.numWorkers());
    assertEquals(2, t.maxRetries());
    assertNull(t.timeout());
    assertEquals(FailureLimit.DEFAULT, t.maxFailures());
    assertEquals(new FailureLimit.Blocks(10), FailureLimit.DEFAULT);
    assertEquals(Map.of(), t.env());
    assertNull(t.process());
    assertNull(c.ssh());
    assertEquals(Duration.ofSeconds(10), slurm(t).common().pollInterval());
  }

  @Test
  void maxFailuresTakesACountOrAShareAndChecksMayStream() throws Exception {
    PipelineConfig c = ConfigLoader.parse("""
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [100]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            max_failures: 5%
            env: {OMP_NUM_THREADS: "2"}
            process: {stream: "python3 serve.py"}
            check: {stream: "python3 check.py"}
          - name: b
            total_roi: {offset: [0], shape: [100]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            max_failures: 0
        """, "p.yaml", Path.of("."), "p");
    assertEquals(new FailureLimit.Share(5), c.tasks().get(0).maxFailures());
    assertEquals(Map.of("OMP_NUM_THREADS", "2"), c.tasks().get(0).env());
    assertEquals(BlockCode.of(BlockCode.Kind.STREAM, "python3 check.py"), c.tasks().get(0).check());
    assertEquals(new FailureLimit.Blocks(0), c.tasks().get(1).maxFailures());
  }

  @Test
  void aPartialSlurmSectionLeavesTheOtherKeysUnset() throws Exception {
    PipelineConfig c = ConfigLoader.parse("""
        slurm: {time: "00:10:00"}
        lsf: {queue: short}
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [100]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            slurm: {gpus: 2}
        """, "p.yaml", Path.of("."), "p");
    assertEquals("00:10:00", slurm(c).walltimeDirective());
    assertNull(slurm(c).gpus());
    assertNull(slurm(c).cpusPerTask());
    assertNull(lsf(c).cores());
    assertEquals(2, slurm(c.tasks().get(0)).gpus());
    assertEquals("00:10:00", slurm(c.tasks().get(0)).walltimeDirective());
  }

  @Test
  void builtinsCarryTheirOptionsAndPortRangesParse() throws Exception {
    PipelineConfig c = ConfigLoader.parse("""
        scheduler: {host: [10.0.0.1, head], port: "40000-40100", heartbeat_interval: 500ms}
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [100]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            process: {builtin: sleep, seconds: 0.05}
            check: {builtin: touched, dir: /tmp/marks}
          - name: b
            total_roi: {offset: [0], shape: [100]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            upstream: a
            process: {builtin: fail, probability: 0.25}
        """, "p.yaml", Path.of("."), "p");
    assertEquals(List.of("10.0.0.1", "head"), c.scheduler().hosts());
    assertEquals(40000, c.scheduler().portLow());
    assertEquals(40100, c.scheduler().portHigh());
    assertEquals(Duration.ofMillis(500), c.scheduler().heartbeatInterval());
    assertEquals("0.05", c.tasks().get(0).process().option("seconds", null));
    assertEquals("/tmp/marks", c.tasks().get(0).check().option("dir", null));
    assertEquals("0.25", c.tasks().get(1).process().option("probability", null));
    assertEquals(List.of("a"), c.tasks().get(1).geometry().upstream());
  }

  private static SlurmSettings slurm(PipelineConfig c) {
    return c.batch().get(SlurmSettings.SECTION);
  }

  private static SlurmSettings slurm(TaskConfig t) {
    return t.batch().get(SlurmSettings.SECTION);
  }

  private static LsfSettings lsf(PipelineConfig c) {
    return c.batch().get(LsfSettings.SECTION);
  }
}
