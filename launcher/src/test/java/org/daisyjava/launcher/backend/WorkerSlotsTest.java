package org.daisyjava.launcher.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.daisyjava.launcher.config.ConfigLoader;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.run.GeometryFingerprint;
import org.daisyjava.launcher.run.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job runs one block per cpu it asks for unless worker.slots says otherwise; the number reaches
 * the job script's daisy-worker command as --slots.
 */
class WorkerSlotsTest {
  @TempDir Path tmp;

  private PipelineConfig config(String worker) throws Exception {
    return ConfigLoader.parse("""
        name: slots
        %s
        slurm: {cpus_per_task: 8}
        lsf: {cores: 8}
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [40]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            process: {command: "true"}
          - name: b
            total_roi: {offset: [0], shape: [40]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            num_workers: 0
            slurm: {cpus_per_task: 2}
            lsf: {cores: 100}
            process: {command: "true"}
        """.formatted(worker), "slots.yaml", tmp, "slots");
  }

  private String script(PipelineConfig config, GridExecutor grid, String task) throws Exception {
    RunDirectory dir = RunDirectory.open(tmp.resolve("run-" + grid.name() + task), false,
        GeometryFingerprint.of(config.geometries())).dir();
    ClusterBackend backend = new ClusterBackend(grid, mock(CommandRunner.class), config, dir, null,
        List.of("tcp://10.1.2.3:4567"), "abc123");
    return backend.render(config.task(task), dir.keyFile(), 1);
  }

  @Test
  void aJobGetsASlotPerCpuTheTasksOwnSettingFirst() throws Exception {
    PipelineConfig c = config("");
    assertEquals(OptionalInt.empty(), c.worker().slots());
    assertEquals(0, c.task("b").numWorkers(), "num_workers: 0 is a task whose workers come from elsewhere");
    assertEquals(8, WorkerSlots.of(c, c.task("a"), new SlurmExecutor()));
    assertEquals(2, WorkerSlots.of(c, c.task("b"), new SlurmExecutor()));
    assertEquals(8, WorkerSlots.of(c, c.task("a"), new LsfExecutor()));
    assertEquals(64, WorkerSlots.of(c, c.task("b"), new LsfExecutor()), "at most 64");
    assertEquals(1, WorkerSlots.of(c, c.task("a"), null), "a local worker process: one slot");
    assertTrue(script(c, new SlurmExecutor(), "a").contains("--slots 8"), script(c, new SlurmExecutor(), "a"));
    assertTrue(script(c, new LsfExecutor(), "b").contains("--slots 64"));
  }

  @Test
  void workerSlotsWinsEverywhere() throws Exception {
    PipelineConfig c = config("worker: {slots: 3}");
    assertEquals(OptionalInt.of(3), c.worker().slots());
    for (GridExecutor grid : new GridExecutor[] {new SlurmExecutor(), new LsfExecutor(), null}) {
      assertEquals(3, WorkerSlots.of(c, c.task("a"), grid));
      assertEquals(3, WorkerSlots.of(c, c.task("b"), grid));
    }
    assertTrue(script(c, new SlurmExecutor(), "b").contains("--slots 3"));
  }

  @Test
  void oneSlotAddsNothingToTheCommand() {
    WorkerCommand base = new WorkerCommand(List.of("java", "Main", "--task", "a"), Map.of());
    assertEquals(base, base.withSlots(1));
    assertEquals(List.of("java", "Main", "--task", "a", "--slots", "4"), base.withSlots(4).argv());
    assertFalse(base.withSlots(1).argv().contains("--slots"));
  }
}
