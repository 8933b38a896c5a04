package org.daisyjava.launcher.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.daisyjava.launcher.config.ConfigLoader;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.run.GeometryFingerprint;
import org.daisyjava.launcher.run.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local worker that runs none of the user's Java uses the quick compiler only; one whose process
 * or check is a class keeps both; a user's own choice in worker.jvm_options comes later and wins.
 */
class LocalWorkerCompilerTest {
  @TempDir Path tmp;

  /** The JVM options (between java and -cp) of each task's local worker, in task order. */
  private List<List<String>> options(String worker, String... codes) throws Exception {
    StringBuilder tasks = new StringBuilder();
    for (int i = 0; i < codes.length; i++) {
      tasks.append("""
            - name: t%d
              total_roi: {offset: [0], shape: [40]}
              read_roi: {offset: [0], shape: [10]}
              write_roi: {offset: [0], shape: [10]}
              %s
          """.formatted(i, codes[i]));
    }
    PipelineConfig config = ConfigLoader.parse("name: jit\n" + worker + "\ntasks:\n" + tasks, "jit.yaml", tmp, "jit");
    RunDirectory dir = RunDirectory.open(tmp.resolve("run"), false, GeometryFingerprint.of(config.geometries())).dir();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new LocalBackend.Factory(WorkerClassData.NONE).dryRun(config, dir, new PrintStream(out, true, StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(WorkerCommand.MAIN))
        .map(l -> List.of(l.split(" "))).map(a -> a.subList(1, a.indexOf("-cp"))).toList();
  }

  @Test
  void onlyWorkersRunningNoUserJavaStopAtTheQuickCompiler() throws Exception {
    List<List<String>> got = options("",
        "process: {builtin: noop}",
        "process: {command: \"true\"}",
        "process: {stream: \"cat\"}",
        "process: {class: org.example.Segment}",
        "process: {command: \"true\"}\n    check: {class: org.example.Check}");
    List<String> c1 = List.of("-XX:TieredStopAtLevel=1");
    assertEquals(List.of(c1, c1, c1, List.of(), List.of()), got);
  }

  @Test
  void theUsersOwnCompilerOptionComesLaterAndWins() throws Exception {
    assertEquals(List.of(List.of("-XX:TieredStopAtLevel=1", "-XX:TieredStopAtLevel=4")),
        options("worker: {jvm_options: [-XX:TieredStopAtLevel=4]}", "process: {builtin: noop}"));
  }
}
