package org.daisyjava.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.daisyjava.launcher.config.ConfigException;
import org.daisyjava.launcher.config.ConfigLoader;
import org.daisyjava.launcher.config.PipelineConfig;
import org.junit.jupiter.api.Test;

/**
 * How many workers the scheduler is told to expect: the tasks' num_workers, also for workers the
 * user starts (the guide tells users of --backend external to give their srun's size there).
 */
class ExpectedWorkersTest {
  private static PipelineConfig config(String backend, int... numWorkers) throws ConfigException {
    StringBuilder yaml = new StringBuilder("backend: " + backend + "\ntasks:\n");
    for (int i = 0; i < numWorkers.length; i++) {
      yaml.append("""
            - name: t%d
              total_roi: {offset: [0], shape: [100]}
              read_roi: {offset: [0], shape: [10]}
              write_roi: {offset: [0], shape: [10]}
              num_workers: %d
              process: {builtin: noop}
          """.formatted(i, numWorkers[i]));
    }
    return ConfigLoader.parse(yaml.toString(), "p.yaml", Path.of("."), "p");
  }

  @Test
  void theTasksNumWorkersAddUpWhoeverStartsThem() throws ConfigException {
    assertEquals(5000, RunSession.expectedWorkers(config("external", 5000)));
    assertEquals(5008, RunSession.expectedWorkers(config("local", 5000, 8)));
  }

  @Test
  void tasksThatWaitForWorkersOfUnknownNumberAddNothing() throws ConfigException {
    assertEquals(0, RunSession.expectedWorkers(config("external", 0, 0)), "unknown");
    assertEquals(3, RunSession.expectedWorkers(config("local", 0, 3)));
  }
}
