package org.daisyjava.launcher.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.backend.BackendRegistry;
import org.daisyjava.launcher.backend.ClusterBackend;
import org.daisyjava.launcher.backend.LocalCommandRunner;
import org.daisyjava.launcher.config.ConfigLoader;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.TaskYaml;
import org.daisyjava.launcher.run.GeometryFingerprint;
import org.daisyjava.launcher.run.RunDirectory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The doctor's probe job is the job a run submits: {@code daisy-launch doctor --dry-run} prints,
 * for the first task, the same script as the run's {@code --dry-run} (directives, extra
 * directives, prologue, environment) but for the job's name, its log directory and the command it
 * {@code exec}s. Nothing is submitted and nothing is bound: both are dry runs.
 */
class DoctorScriptTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"slurm", "lsf"})
  void theProbeScriptIsTheRunsScriptButForTheCommand(String backend) throws Exception {
    Path config = tmp.resolve("c.yaml");
    Files.writeString(config, """
        name: same
        run_dir: "%s"
        scheduler: {host: 127.0.0.1, port: 4567}
        slurm: {partition: debug, time: 1h, mem: 2G, cpus_per_task: 2, gpus: 1,
                job_extra_directives: ["--exclusive"], job_script_prologue: ["module load java/17"]}
        lsf: {queue: normal, walltime: 1h, mem: 2G, cores: 2, gpus: 1,
              job_extra_directives: ["-x"], job_script_prologue: ["module load java/17"]}
        worker: {env: {FROM_WORKER: "1 2"}}
        tasks:
        """.formatted(tmp.resolve("run")) + TaskYaml.task("a", "num_workers: 1", "env: {FROM_TASK: \"x\"}"));

    ByteArrayOutputStream doctorOut = new ByteArrayOutputStream();
    ByteArrayOutputStream doctorErr = new ByteArrayOutputStream();
    int code = Doctor.run(new String[] {"--backend", backend, "--dry-run", config.toString()},
        new PrintStream(doctorOut, true, StandardCharsets.UTF_8), new PrintStream(doctorErr, true, StandardCharsets.UTF_8));
    String doctor = doctorOut.toString(StandardCharsets.UTF_8);
    assertEquals(ExitCode.OK, code, doctor + doctorErr.toString(StandardCharsets.UTF_8));

    PipelineConfig c = ConfigLoader.load(config);
    RunDirectory dir = RunDirectory.open(tmp.resolve("run"), false, GeometryFingerprint.of(c.geometries())).dir();
    ByteArrayOutputStream runOut = new ByteArrayOutputStream();
    new ClusterBackend.Factory(BackendRegistry.executor(backend), new LocalCommandRunner())
        .dryRun(c, dir, new PrintStream(runOut, true, StandardCharsets.UTF_8));
    String run = runOut.toString(StandardCharsets.UTF_8);

    String probe = script(doctor);
    String worker = script(run);
    assertTrue(probe.contains("DoctorProbe") && worker.contains("org.daisyjava.worker.WorkerMain"), probe + worker);
    assertTrue(worker.contains("module load java/17") && worker.contains("export FROM_TASK=x")
        && worker.contains("export FROM_WORKER='1 2'"), worker);
    String probeLogs = Pattern.quote(tmp + "/.daisy-doctor-") + "[0-9a-f]{6}/logs";
    String runLogs = Pattern.quote(dir.logs("a").toString());
    assertEquals(normal(worker, "daisy-same-dryrun", runLogs),
        normal(probe, "daisy-doctor-same-[0-9a-f]{6}", probeLogs));
  }

  /** The one script a dry run printed: from the shebang to its closing note. */
  private static String script(String out) {
    Matcher m = Pattern.compile("(?s)(#!/bin/bash\n.*?)\n+# dry run: nothing was submitted\n").matcher(out);
    assertTrue(m.find(), out);
    return m.group(1);
  }

  /** The script with its job name, log directory and exec'd command replaced by fixed words. */
  private static String normal(String script, String jobName, String logDir) {
    return script.replaceAll(jobName, "JOB").replaceAll(logDir, "LOGS").replaceAll("(?m)^exec .*$", "exec COMMAND");
  }
}
