package org.daisyjava.launcher.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.daisyjava.launcher.config.ConfigLoader;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.run.GeometryFingerprint;
import org.daisyjava.launcher.run.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * worker.connect_timeout reaches every worker the launcher starts as --connect-timeout: the job
 * scripts of SLURM and LSF and the local processes. Unset, a job's worker waits the worker's own
 * 60 s and a local one the silence that ends a connected worker, at least 10 s.
 */
class WorkerConnectTimeoutTest {
  @TempDir Path tmp;

  private PipelineConfig config(String worker) throws Exception {
    return config("{heartbeat_interval: 1s, heartbeat_liveness: 30}", worker);
  }

  private PipelineConfig config(String scheduler, String worker) throws Exception {
    return ConfigLoader.parse("""
        name: connect
        scheduler: %s
        %s
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [40]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            process: {command: "true"}
        """.formatted(scheduler, worker), "connect.yaml", tmp, "connect");
  }

  private RunDirectory dir(PipelineConfig config, String name) throws Exception {
    return RunDirectory.open(tmp.resolve(name), false, GeometryFingerprint.of(config.geometries())).dir();
  }

  /** The value after --connect-timeout in the job script's worker command. */
  private String inScript(PipelineConfig config, GridExecutor grid) throws Exception {
    RunDirectory dir = dir(config, "run-" + grid.name());
    ClusterBackend backend = new ClusterBackend(grid, mock(CommandRunner.class), config, dir, null,
        List.of("tcp://10.1.2.3:4567"), "abc123");
    String script = backend.render(config.task("a"), dir.keyFile(), 1);
    String exec = script.lines().filter(l -> l.startsWith("exec ")).findFirst().orElseThrow();
    return valueAfter(List.of(exec.split(" ")), "--connect-timeout", script);
  }

  /** The value after --connect-timeout in the command a local worker would run. */
  private String local(PipelineConfig config) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new LocalBackend.Factory().dryRun(config, dir(config, "run-local"),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    String command = text.lines().filter(l -> l.contains(WorkerCommand.MAIN)).findFirst().orElseThrow();
    return valueAfter(List.of(command.split(" ")), "--connect-timeout", text);
  }

  private static String valueAfter(List<String> argv, String option, String context) {
    int i = argv.indexOf(option);
    assertEquals(i, argv.lastIndexOf(option), "given once: " + context);
    if (i < 0 || i + 1 >= argv.size()) {
      throw new AssertionError("no " + option + " in: " + context);
    }
    return argv.get(i + 1);
  }

  @Test
  void unsetAJobWaitsTheWorkersSixtySecondsAndALocalWorkerTheDeadAfterSilence() throws Exception {
    PipelineConfig c = config("");
    assertEquals(Optional.empty(), c.worker().connectTimeout());
    assertEquals("60s", inScript(c, new SlurmExecutor()));
    assertEquals("60s", inScript(c, new LsfExecutor()));
    // heartbeat_interval 1s x liveness 30
    assertEquals("30s", local(c));
    assertEquals("10s", local(config("{heartbeat_interval: 100ms}", "")), "at least 10 s");
  }

  @Test
  void aConfiguredTimeoutReachesJobScriptsAndLocalWorkersAlike() throws Exception {
    PipelineConfig c = config("worker: {connect_timeout: 5s}");
    assertEquals(Optional.of(Duration.ofSeconds(5)), c.worker().connectTimeout());
    assertEquals("5s", inScript(c, new SlurmExecutor()));
    assertEquals("5s", inScript(c, new LsfExecutor()));
    assertEquals("5s", local(c), "below the local default: the user's choice");
    PipelineConfig fraction = config("worker: {connect_timeout: 1.5s}");
    assertEquals("1500ms", inScript(fraction, new SlurmExecutor()));
    assertEquals("1500ms", local(fraction));
  }
}
