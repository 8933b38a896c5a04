package org.daisyjava.launcher.it.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The new user's first SLURM run names a partition that does not exist: sbatch refuses, the run
 * ends "failed" with sbatch's words (not "interrupted") and exit 3, and after fixing the
 * partition the same command — no --resume, same run_dir — runs to the end.
 */
class SlurmRefusedStartTest {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private Path config(String name, String partition) throws Exception {
    Path config = tmp.resolve(name + ".yaml");
    Files.writeString(config, """
        name: %1$s
        run_dir: "%2$s"
        backend: slurm
        scheduler: {heartbeat_interval: 200ms, heartbeat_liveness: 10}
        worker: {java: "%3$s", jvm_options: %4$s}
        slurm: {poll_interval: 1s, partition: %5$s, time: "00:10:00", mem: 200M, cpus_per_task: 1}
        tasks:
          - name: a
            total_roi: {offset: [0], shape: [40]}
            read_roi: {offset: [0], shape: [10]}
            write_roi: {offset: [0], shape: [10]}
            process: {command: 'echo "$DAISY_BLOCK_ID" >> "%6$s"'}
        """.formatted(name, tmp.resolve("run"), LauncherRun.JAVA, LauncherRun.WORKER_JVM_OPTIONS,
        partition, tmp.resolve("blocks.txt")));
    return config;
  }

  @Test
  void aRefusedFirstSubmissionIsFailedWithSbatchsWordsAndTheFixedConfigRunsWithoutResume()
      throws Exception {
    SlurmCluster.require();
    String name = "it-refusedstart-" + UUID.randomUUID().toString().substring(0, 6);
    String prefix = "daisy-" + name + "-";
    LauncherRun refused = LauncherRun.start(tmp, "refused", config(name, "nope"));
    try {
      assertEquals(3, refused.awaitExit(RUN_TIMEOUT), refused.output());
      JsonNode summary = JSON.readTree(tmp.resolve("run/summary.json").toFile());
      assertEquals("failed", summary.get("state").asText(), summary.toString());
      assertTrue(summary.get("reason").asText().contains("invalid partition specified: nope"),
          summary.toString());
      assertEquals("failed", JSON.readTree(tmp.resolve("run/status.json").toFile()).get("state").asText());
    } finally {
      refused.kill();
      SlurmCluster.cancelAll(prefix);
    }
    LauncherRun fixed = LauncherRun.start(tmp, "fixed", config(name, "debug"));
    try {
      assertEquals(0, fixed.awaitExit(RUN_TIMEOUT), fixed.output());
      assertTrue(fixed.stdout().contains("starting it afresh"), fixed.output());
      assertEquals(List.of("0", "1", "2", "3"),
          LauncherRun.lines(tmp.resolve("blocks.txt")).stream().sorted().toList());
      assertEquals(List.of(), SlurmCluster.jobs(prefix));
    } finally {
      fixed.kill();
      SlurmCluster.cancelAll(prefix);
    }
  }
}
