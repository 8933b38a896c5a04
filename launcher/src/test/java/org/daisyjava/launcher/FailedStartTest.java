package org.daisyjava.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.daisyjava.launcher.backend.Backend;
import org.daisyjava.launcher.backend.BackendFactory;
import org.daisyjava.launcher.config.ConfigLoader;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.run.LaunchException;
import org.daisyjava.launcher.run.RunDirectory;
import org.daisyjava.scheduler.server.SchedulerServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run the cluster refuses before any block ran ends "failed" with the reason (not
 * "interrupted"), exits 3, and the corrected run starts in the same run directory without
 * --resume; a run that did blocks is still protected.
 */
class FailedStartTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  /** The local backend, except that "submitting" fails as sbatch does for a wrong partition. */
  private static BackendFactory refusing(BackendFactory real) {
    return new BackendFactory() {
      @Override
      public String bindHost() {
        return real.bindHost();
      }

      @Override
      public int dryRun(PipelineConfig config, RunDirectory d, PrintStream out) {
        return ExitCode.OK;
      }

      @Override
      public Backend create(PipelineConfig config, RunDirectory d, SchedulerServer server, int port,
          String key) throws LaunchException {
        throw new LaunchException(ExitCode.CLUSTER, "sbatch refused the job of task a:"
            + " sbatch: error: invalid partition specified: gpux\n(exit code 1)");
      }
    };
  }

  private PipelineConfig config(String command) throws Exception {
    return ConfigLoader.parse("""
        run_dir: %s
        scheduler: {heartbeat_interval: 200ms, heartbeat_liveness: 10}
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [40]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            process: {command: '%s'}
        """.formatted(dir.resolve("run"), command), "a.yaml", dir, "a");
  }

  private static LaunchOptions options(boolean resume) {
    return new LaunchOptions(null, null, resume, false, null, null, true);
  }

  @Test
  void aRefusedFirstSubmissionIsFailedWithItsReasonAndTheCorrectedRunStartsWithoutResume()
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    LaunchException refused = assertThrows(LaunchException.class, () -> Launch.execute(
        config("true"), options(false), refusing(BackendFactory.forName("local")), print, print));
    assertEquals(ExitCode.CLUSTER, refused.exitCode());
    Path run = dir.resolve("run");
    for (String file : new String[] {"summary.json", "status.json"}) {
      JsonNode doc = JSON.readTree(run.resolve(file).toFile());
      assertEquals("failed", doc.get("state").asText(), file + ": " + doc);
      assertEquals("sbatch refused the job of task a: sbatch: error: invalid partition specified: gpux",
          doc.get("reason").asText());
    }
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("the run failed: sbatch refused"), out.toString());

    out.reset();
    Launch.Result fixed = Launch.execute(config("true"), options(false),
        BackendFactory.forName("local"), print, print);
    assertEquals(ExitCode.OK, fixed.exitCode(), out.toString(StandardCharsets.UTF_8));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("held a run that ended before any block"
        + " was done; starting it afresh"), out.toString(StandardCharsets.UTF_8));
    assertEquals("finished", JSON.readTree(run.resolve("summary.json").toFile()).get("state").asText());

    // now the directory holds done blocks: a new run without --resume is refused as before
    LaunchException again = assertThrows(LaunchException.class, () -> Launch.execute(
        config("true"), options(false), BackendFactory.forName("local"), print, print));
    assertEquals(ExitCode.USAGE, again.exitCode());
    assertTrue(again.getMessage().contains("use --resume"), again.getMessage());
  }

  @Test
  void aRunWithoutSummaryIsNotTakenForAnEndedOne() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    assertThrows(LaunchException.class, () -> Launch.execute(config("true"), options(false),
        refusing(BackendFactory.forName("local")), print, print));
    // as if its launcher had been killed (or still ran): no summary
    Files.delete(dir.resolve("run").resolve("summary.json"));
    LaunchException refused = assertThrows(LaunchException.class, () -> Launch.execute(
        config("true"), options(false), BackendFactory.forName("local"), print, print));
    assertEquals(ExitCode.USAGE, refused.exitCode());
    assertFalse(out.toString(StandardCharsets.UTF_8).contains("starting it afresh"));
  }
}
