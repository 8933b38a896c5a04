package org.daisyjava.launcher.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.daisyjava.launcher.ExitCode;
import org.daisyjava.launcher.config.ConfigException;
import org.daisyjava.launcher.config.ConfigLoader;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.run.GeometryFingerprint;
import org.daisyjava.launcher.run.LaunchException;
import org.daisyjava.launcher.run.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Job scripts as {@link ClusterBackend} renders them from a config with the bundled SLURM
 * template: the configured directives are there, unset ones are not, the result is valid bash,
 * and run by bash it hands the worker exactly the intended arguments and environment.
 */
class SlurmJobScriptTest {
  private static final List<String> ADDRESSES = List.of("tcp://10.1.2.3:4567", "tcp://head-node:4567");
  private static final String TASKS = """
      tasks:
        - name: a
          total_roi: {offset: [0], shape: [40]}
          read_roi: {offset: [0], shape: [10]}
          write_roi: {offset: [0], shape: [10]}
          num_workers: 2
          process: {command: "true"}
      """;
  private static final String FULL = """
      name: scripts
      slurm:
        partition: gpu
        account: lab
        qos: normal
        time: "02:00:00"
        mem: 16g
        cpus_per_task: 4
        gpus: 1
        constraint: "avx2&skylake"
        job_extra_directives: ["--exclusive", "--signal=B:USR1@60"]
        job_script_prologue: ["module load java/17", "source /opt/env.sh"]
      worker:
        jvm_options: [-Xmx2g]
        env: {OMP_NUM_THREADS: "1", TRICKY: 'it''s a "test" with $HOME, `id` and  two  spaces'}
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
          upstream: [a]
          process: {command: "true"}
          slurm: {partition: cpu, gpus: 0, job_extra_directives: []}
      """;

  @TempDir Path tmp;

  private PipelineConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(yaml, "test.yaml", tmp, "test");
  }

  private RunDirectory runDir(PipelineConfig config, String name) throws LaunchException {
    return RunDirectory.open(tmp.resolve(name), false, GeometryFingerprint.of(config.geometries())).dir();
  }

  private static ClusterBackend backend(PipelineConfig config, RunDirectory dir) {
    return new ClusterBackend(new SlurmExecutor(), mock(CommandRunner.class), config, dir, null, ADDRESSES, "abc123");
  }

  private static List<String> lines(String script) {
    return List.of(script.split("\n"));
  }

  @Test
  void theScriptCarriesEveryConfiguredDirective() throws Exception {
    PipelineConfig config = parse(FULL);
    RunDirectory dir = runDir(config, "run");
    String a = backend(config, dir).render(config.task("a"), dir.keyFile(), 1);
    List<String> l = lines(a);
    Path logs = dir.logs("a");
    for (String expected : List.of(
        "#!/bin/bash",
        "#SBATCH --job-name=daisy-scripts-abc123",
        "#SBATCH --output=\"" + logs + "/%A_%a.out\"",
        "#SBATCH --error=\"" + logs + "/%A_%a.err\"",
        "#SBATCH --partition=gpu",
        "#SBATCH --account=lab",
        "#SBATCH --qos=normal",
        "#SBATCH --time=02:00:00",
        "#SBATCH --mem=16G",
        "#SBATCH --cpus-per-task=4",
        "#SBATCH --gpus=1",
        "#SBATCH --constraint=avx2&skylake",
        "#SBATCH --exclusive",
        "#SBATCH --signal=B:USR1@60",
        "module load java/17",
        "source /opt/env.sh",
        "export OMP_NUM_THREADS=1",
        "export TRICKY='it'\\''s a \"test\" with $HOME, `id` and  two  spaces'")) {
      assertTrue(l.contains(expected), "missing line: " + expected + "\n" + a);
    }
    assertFalse(a.contains("{{"), a);
    String exec = l.stream().filter(s -> s.startsWith("exec ")).findFirst().orElseThrow();
    assertTrue(exec.contains(" org.daisyjava.worker.WorkerMain --connect tcp://10.1.2.3:4567,tcp://head-node:4567"
        + " --task a --run-dir " + dir.root() + " --key-file " + dir.keyFile()), exec);
    assertTrue(exec.startsWith("exec java -Xmx2g -cp "), exec);
    // its own drain clock: time 2h less the default drain of 5m
    assertTrue(exec.endsWith(" --drain-after 6900s"), exec);
    assertTrue(l.contains("#SBATCH --signal=B:USR1@300"), a);
    // directives come before the first command, or sbatch ignores them
    int lastDirective = lastIndexMatching(l, "#SBATCH .*");
    int firstCommand = firstIndexMatching(l, "[^#].*");
    assertTrue(lastDirective < firstCommand, a);
    assertBashSyntaxOk(a);
  }

  @Test
  void aTasksOwnSlurmKeysOverrideTheSectionsAndTheRestIsInherited() throws Exception {
    PipelineConfig config = parse(FULL);
    RunDirectory dir = runDir(config, "run");
    List<String> b = lines(backend(config, dir).render(config.task("b"), dir.keyFile(), 1));
    assertTrue(b.contains("#SBATCH --partition=cpu"), b.toString());
    assertTrue(b.contains("#SBATCH --gpus=0"), b.toString());
    assertTrue(b.contains("#SBATCH --account=lab"), b.toString());
    assertTrue(b.contains("#SBATCH --time=02:00:00"), b.toString());
    assertFalse(b.contains("#SBATCH --partition=gpu"), b.toString());
    assertFalse(b.contains("#SBATCH --exclusive"), b.toString());
    assertTrue(b.contains("#SBATCH --output=\"" + dir.logs("b") + "/%A_%a.out\""), b.toString());
  }

  @Test
  void unsetDirectivesLeaveNoLineBehind() throws Exception {
    PipelineConfig config = parse("name: bare\n" + TASKS);
    RunDirectory dir = runDir(config, "run");
    String a = backend(config, dir).render(config.task("a"), dir.keyFile(), 1);
    for (String option : List.of("--partition", "--account", "--qos", "--time", "--mem", "--cpus-per-task",
        "--gpus", "--constraint")) {
      assertFalse(a.contains(option), option + " in\n" + a);
    }
    assertFalse(a.contains("{{"), a);
    assertFalse(a.contains("#SBATCH \n"), "an empty extra directive line\n" + a);
    assertEquals(List.of("export DAISY_LOG="), lines(a).stream().filter(s -> s.startsWith("export "))
        .map(s -> s.substring(0, s.indexOf('=') + 1)).toList(), "no worker.env, only DAISY_LOG\n" + a);
    assertTrue(a.contains("#SBATCH --job-name=daisy-bare-abc123\n"), a);
    assertBashSyntaxOk(a);
  }

  /**
   * bash runs the script (the #SBATCH lines are comments to it): the prologue runs first, then
   * the worker command gets exactly its arguments and the environment exactly its values, even
   * with a run directory and a java path holding spaces, quotes and {@code $}.
   */
  @Test
  void runByBashTheScriptGivesTheWorkerExactlyItsArgumentsAndEnvironment() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin dir"));
    Path fakeJava = bin.resolve("fake java");
    Files.writeString(fakeJava, """
        #!/bin/bash
        printf 'ARG %s\\n' "$@"
        printf 'TRICKY %s\\n' "$TRICKY"
        printf 'DAISY_LOG %s\\n' "$DAISY_LOG"
        printf 'FROM_PROLOGUE %s\\n' "$FROM_PROLOGUE"
        printf 'SIGIGN %s\\n' "$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/$$/status)"
        """);
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
    String tricky = "it's a \"test\" with $HOME, `id`, $(id) and  two  spaces";
    String yaml = """
        name: quoting
        slurm:
          job_script_prologue: ["export FROM_PROLOGUE=\\"prologue ran\\""]
        worker:
          java: "%s"
          jvm_options: ["-Dx=a b", "-Dy=$HOME"]
          env: {TRICKY: '%s'}
        """.formatted(fakeJava, tricky.replace("'", "''")) + TASKS;
    PipelineConfig config = parse(yaml);
    RunDirectory dir = runDir(config, "run dir with 'quotes' and $HOME");
    String script = backend(config, dir).render(config.task("a"), dir.keyFile(), 1);
    assertBashSyntaxOk(script);
    Path file = tmp.resolve("job.sh");
    Files.writeString(file, script);

    ProcessBuilder pb = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true);
    pb.environment().put("SLURM_ARRAY_JOB_ID", "77");
    pb.environment().put("SLURM_ARRAY_TASK_ID", "3");
    pb.environment().remove("FROM_PROLOGUE");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);

    List<String> args = new ArrayList<>();
    List<String> rest = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.startsWith("ARG ")) {
        args.add(line.substring(4));
      } else {
        rest.add(line);
      }
    }
    List<String> argv = WorkerCommand.of(fakeJava.toString(), config.worker(), WorkerCommand.ownClasspath(),
        ADDRESSES, "a", dir.root(), dir.keyFile()).argv();
    assertEquals(argv.subList(1, argv.size()), args);
    assertTrue(args.contains("-Dx=a b") && args.contains("-Dy=$HOME"), args.toString());
    assertTrue(args.contains(dir.root().toString()), args.toString());
    String ignored = rest.remove(rest.size() - 1);
    assertEquals(List.of("TRICKY " + tricky, "DAISY_LOG " + dir.logs("a").resolve("77_3.err"),
        "FROM_PROLOGUE prologue ran"), rest);
    // the worker starts with USR1 ignored (bit 10 of the mask), so an early warning cannot kill it
    assertTrue(ignored.startsWith("SIGIGN "), ignored);
    assertTrue((Long.parseUnsignedLong(ignored.substring(7).strip(), 16) & (1L << 9)) != 0, ignored);
  }

  @Test
  void aRunDirectorySbatchCannotCarryIsRefusedWithAClearMessage() throws Exception {
    PipelineConfig config = parse("name: pct\n" + TASKS);
    RunDirectory dir = runDir(config, "run-100%");
    LaunchException e = assertThrows(LaunchException.class,
        () -> backend(config, dir).render(config.task("a"), dir.keyFile(), 1));
    assertEquals(ExitCode.USAGE, e.exitCode());
    assertTrue(e.getMessage().contains("run_dir") && e.getMessage().contains("%"), e.getMessage());
  }

  static Stream<Arguments> valuesWithNewlines() {
    return Stream.of(
        Arguments.of("slurm: {partition: \"gpu\\n#SBATCH --exclusive\"}\n", "slurm.partition"),
        Arguments.of("slurm: {account: \"lab\\nrm -rf /\"}\n", "slurm.account"),
        Arguments.of("slurm: {job_extra_directives: [\"--exclusive\\nrm -rf /\"]}\n", "slurm.job_extra_directives"),
        Arguments.of("slurm: {job_script_prologue: [\"module load java\\nrm -rf /\"]}\n", "slurm.job_script_prologue"),
        Arguments.of("slurm: {job_script_prologue: [\"echo \\r\"]}\n", "slurm.job_script_prologue"),
        Arguments.of("worker: {env: {A: \"1\\nrm -rf /\"}}\n", "worker.env"),
        Arguments.of("worker: {java: \"java\\nrm -rf /\"}\n", "worker.java"),
        Arguments.of("worker: {jvm_options: [\"-Xmx1g\\nrm -rf /\"]}\n", "worker.jvm_options"));
  }

  /** Whatever goes into a job script line by line must not be able to start a new line. */
  @ParameterizedTest
  @MethodSource("valuesWithNewlines")
  void configValuesWithNewlinesAreRejectedAtLoad(String yaml, String key) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml + TASKS));
    assertTrue(e.getMessage().startsWith("test.yaml:1: " + key), e.getMessage());
    assertTrue(e.getMessage().contains("newlines or control characters"), e.getMessage());
  }

  @Test
  void aTasksSlurmOverridesAreCheckedToo() {
    String yaml = TASKS.replace("num_workers: 2", "num_workers: 2\n    slurm: {qos: \"x\\ny\"}");
    ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml));
    assertTrue(e.getMessage().contains("tasks[0].slurm.qos"), e.getMessage());
  }

  @Test
  void aCustomTemplateIsUsedAndAnUnknownPlaceholderInItIsAConfigErrorBeforeAnythingIsCreated() throws Exception {
    Files.writeString(tmp.resolve("good.sh"), "#!/bin/bash\n#SBATCH -J {{job_name}}\n#SBATCH -p {{partition}}\n"
        + "export {{env_export}}\nexec {{worker_command}}\n");
    Files.writeString(tmp.resolve("typo.sh"), "#!/bin/bash\n#SBATCH -p {{partiton}}\nexec {{worker_command}}\n");
    ClusterBackend.Factory factory = new ClusterBackend.Factory(new SlurmExecutor(), mock(CommandRunner.class));

    PipelineConfig good = parse("name: custom\nslurm: {template: good.sh, partition: gpu}\n" + TASKS);
    factory.checkAvailable(good);
    RunDirectory dir = runDir(good, "run");
    String script = backend(good, dir).render(good.task("a"), dir.keyFile(), 1);
    assertTrue(script.startsWith("#!/bin/bash\n#SBATCH -J daisy-custom-abc123\n#SBATCH -p gpu\nexec java "), script);

    PipelineConfig typo = parse("name: custom\nslurm: {template: typo.sh}\n" + TASKS);
    LaunchException e = assertThrows(LaunchException.class, () -> factory.checkAvailable(typo));
    assertEquals(ExitCode.USAGE, e.exitCode());
    assertTrue(e.getMessage().contains("{{partiton}}"), e.getMessage());
    assertTrue(e.getMessage().contains(tmp.resolve("typo.sh").toString()), e.getMessage());

    PipelineConfig missing = parse("name: custom\nslurm: {template: nope.sh}\n" + TASKS);
    e = assertThrows(LaunchException.class, () -> factory.checkAvailable(missing));
    assertEquals(ExitCode.USAGE, e.exitCode());
    assertTrue(e.getMessage().contains("nope.sh"), e.getMessage());
  }

  @Test
  void dryRunPrintsEveryTasksScriptAndRunsNoCommand() throws Exception {
    CommandRunner runner = mock(CommandRunner.class);
    PipelineConfig config = parse(FULL);
    RunDirectory dir = runDir(config, "run");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int code = new ClusterBackend.Factory(new SlurmExecutor(), runner)
        .dryRun(config, dir, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(ExitCode.OK, code);
    verifyNoInteractions(runner);
    assertTrue(out.contains("#SBATCH --job-name=daisy-scripts-dryrun\n"), out);
    assertTrue(out.contains("#SBATCH --partition=gpu\n") && out.contains("#SBATCH --partition=cpu\n"), out);
    assertTrue(out.contains("would be submitted as: sbatch --parsable --array=0-0 " + dir.jobs().resolve("a-dryrun.sh")), out);
    assertTrue(out.contains("PORT"), "the port is not known before the run: " + out);
    assertTrue(out.trim().endsWith("# dry run: nothing was submitted"), out);
    assertTrue(Files.exists(dir.jobs().resolve("b-dryrun.sh")));
  }

  static void assertBashSyntaxOk(String script) throws Exception {
    Process p = new ProcessBuilder("bash", "-n").redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      in.write(script.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "bash -n: " + out + "\n" + script);
  }

  private static int lastIndexMatching(List<String> l, String regex) {
    for (int i = l.size() - 1; i >= 0; i--) {
      if (l.get(i).matches(regex)) {
        return i;
      }
    }
    return -1;
  }

  private static int firstIndexMatching(List<String> l, String regex) {
    for (int i = 0; i < l.size(); i++) {
      if (l.get(i).matches(regex)) {
        return i;
      }
    }
    return -1;
  }
}
