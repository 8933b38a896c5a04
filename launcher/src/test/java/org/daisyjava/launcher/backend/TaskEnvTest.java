package org.daisyjava.launcher.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.daisyjava.launcher.config.ConfigLoader;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.run.GeometryFingerprint;
import org.daisyjava.launcher.run.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task's env is added to worker.env for that task's workers only, and wins over it. */
class TaskEnvTest {
  @TempDir Path tmp;

  @Test
  void aTasksEnvReachesItsJobScriptAndOnlyItsOwn() throws Exception {
    PipelineConfig config = ConfigLoader.parse("""
        name: env
        worker: {env: {OMP_NUM_THREADS: "1", MODEL: base}}
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [40]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            env: {MODEL: unet, SIGMA: "2"}
            process: {command: "true"}
          - name: b
            total_roi: {offset: [0], shape: [40]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            process: {command: "true"}
        """, "env.yaml", tmp, "env");
    RunDirectory dir = RunDirectory.open(tmp.resolve("run"), false,
        GeometryFingerprint.of(config.geometries())).dir();
    ClusterBackend backend = new ClusterBackend(new SlurmExecutor(), mock(CommandRunner.class), config,
        dir, null, List.of("tcp://10.1.2.3:4567"), "abc123");
    String a = backend.render(config.task("a"), dir.keyFile(), 1);
    String b = backend.render(config.task("b"), dir.keyFile(), 1);
    assertTrue(a.contains("export MODEL=unet"), a);
    assertTrue(a.contains("export SIGMA=2"), a);
    assertTrue(a.contains("export OMP_NUM_THREADS=1"), a);
    assertFalse(a.contains("MODEL=base"), "the task's value wins: " + a);
    assertTrue(b.contains("export MODEL=base"), b);
    assertFalse(b.contains("SIGMA"), b);

    WorkerCommand base = new WorkerCommand(List.of("java"), Map.of("A", "1", "B", "2"));
    assertEquals(Map.of("A", "1", "B", "3", "C", "4"), base.withEnv(Map.of("B", "3", "C", "4")).env());
    assertEquals(base, base.withEnv(Map.of()));
  }
}
