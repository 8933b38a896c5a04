package org.daisyjava.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.daisyjava.launcher.Main;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile configs and options: shell metacharacters and newlines in every string that reaches
 * a job script or a command line, YAML bombs, global tags, huge and overflowing numbers, deep
 * nesting, very long strings. Each case either exits 2 with a message naming the key and line
 * (or the option) and creates no run directory, or yields an inert script: rendered with
 * {@code --dry-run --backend slurm}, it passes {@code bash -n}, and when actually run by bash
 * (with {@code worker.java} a stub that records its arguments and environment instead of
 * starting a worker) every payload arrives as data — inside one argument or one environment
 * value, or on an {@code #SBATCH} line, which only sbatch reads and which it never hands to a
 * shell. Every payload tries {@code touch canary}; no canary is ever created.
 *
 * <p>Deliberately not in the table: {@code process: {command: …}}, {@code check: {command: …}}
 * and {@code slurm.job_script_prologue} are shell code by contract — the user's own commands,
 * run as the user — so there is nothing to neutralise in them.
 */
@Timeout(120)
class MaliciousConfigTest {
  private static final String TASK = """
      tasks:
        - name: a
          total_roi: {offset: [0], shape: [100]}
          read_roi: {offset: [0], shape: [10]}
          write_roi: {offset: [0], shape: [10]}
          process: {command: "true"}
      """;
  private static final String PAYLOAD = "$(touch canary)`touch canary`;touch canary";

  enum Expect {
    /** Exit 2, the message contains the detail, no run directory. */
    REFUSED,
    /** The rendered script is valid bash and the payloads reach the worker as data. */
    INERT
  }

  /** A YAML single-quoted scalar. */
  private static String q(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  private static Arguments refused(String title, String yaml, String detail, String... options) {
    return Arguments.of(title, yaml, List.of(options), Expect.REFUSED, List.of(detail));
  }

  private static Arguments inert(String title, String yaml, List<String> payloads, String... options) {
    return Arguments.of(title, yaml, List.of(options), Expect.INERT, payloads);
  }

  static Stream<Arguments> cases() {
    String laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        + "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
    String longScalar = "x".repeat(60_000);
    String scalarBomb = "worker:\n  jvm_options: [&s '-D" + longScalar + "'"
        + ", *s".repeat(80) + "]\n" + TASK;
    String nested = "name: " + "[".repeat(1000) + "]".repeat(1000) + "\n" + TASK;
    return Stream.of(
        // ---- control characters: a newline would end an #SBATCH line and start shell code
        refused("--run-dir with a newline", TASK,
            "--run-dir must not contain newlines or control characters",
            "--run-dir", "RUN\n#SBATCH --wrap=touch canary\ntouch canary"),
        refused("--run-dir with a carriage return and an escape", TASK,
            "--run-dir must not contain newlines or control characters",
            "--run-dir", "RUN\r\u001b[2Ktouch canary"),
        refused("run_dir: with a newline", "run_dir: \"RUN\\ntouch canary\"\n" + TASK,
            "bad.yaml:1: run_dir: must not contain newlines or control characters"),
        refused("run_dir: with a tab", "run_dir: \"RUN\\ttouch canary\"\n" + TASK,
            "bad.yaml:1: run_dir: must not contain tabs, newlines or control characters"),
        refused("classpath entry with a tab", "worker: {classpath: [\"a.jar\\t-Dx=1\"]}\n" + TASK,
            "bad.yaml:1: worker.classpath[0]: must not contain tabs, newlines or control characters"),
        refused("slurm value with a newline", "slurm: {time: \"1:00:00\\ntouch canary\"}\n" + TASK,
            "bad.yaml:1: slurm.time: must not contain newlines or control characters"),
        refused("env value with a newline", "worker: {env: {FOO: \"x\\ntouch canary\"}}\n" + TASK,
            "bad.yaml:1: worker.env.FOO: must not contain newlines or control characters"),
        refused("env name with shell code", "worker: {env: {'A;touch canary': x}}\n" + TASK,
            "bad.yaml:1: worker.env.A;touch canary: not a valid environment variable name"),
        refused("jvm option with a newline", "worker: {jvm_options: [\"-Xmx1g\\ntouch canary\"]}\n" + TASK,
            "bad.yaml:1: worker.jvm_options[0]: must not contain newlines or control characters"),
        refused("java path with a newline", "worker: {java: \"/bin/java\\ntouch canary\"}\n" + TASK,
            "bad.yaml:1: worker.java: must not contain newlines or control characters"),
        refused("classpath with a newline", "worker: {classpath: [\"a.jar\\ntouch canary\"]}\n" + TASK,
            "bad.yaml:1: worker.classpath[0]: must not contain newlines or control characters"),
        refused("task name with shell code", TASK.replace("name: a", "name: " + q("a;" + PAYLOAD)),
            "bad.yaml:2: tasks[0].name: task names are 1-100 letters"),
        refused("run name with shell code", "name: " + q(PAYLOAD) + "\n" + TASK,
            "bad.yaml:1: name: run name must be 1-64 letters"),
        // ---- YAML bombs, tags, nesting, size
        refused("billion laughs", laughs + TASK, "not valid YAML: Number of aliases for non-scalar nodes exceeds"),
        refused("aliases of a long scalar", scalarBomb,
            "the document's text, aliases expanded, is"),
        refused("global tag constructing a class",
            "name: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL"
                + " [\"http://127.0.0.1:9/\"]]]]\n" + TASK,
            "bad.yaml:1: not valid YAML: Global tag is not allowed: tag:yaml.org,2002:javax.script.ScriptEngineManager"),
        refused("local tag on a string", "name: !shell 'touch canary'\n" + TASK,
            "bad.yaml:1: name: YAML tag !shell is not allowed"),
        refused("a list containing itself", "worker: {jvm_options: &x [*x]}\n" + TASK, "bad.yaml:1: "),
        refused("deeply nested lists", nested, "bad.yaml:1: not valid YAML: Nesting Depth exceeded"),
        refused("a very long string", "name: " + "n".repeat(100_000) + "\n" + TASK,
            "bad.yaml:1: name: a value of 100000 characters; at most 65536"),
        // ---- numbers
        refused("huge integer", TASK + "    num_workers: 123456789012345678901234567890\n",
            "bad.yaml:7: tasks[0].num_workers: integer out of range (beyond ±2^63): 123456789012345678901234567890"),
        refused("offset at the bottom of the long range",
            TASK.replace("total_roi: {offset: [0]", "total_roi: {offset: [-9223372036854775808]"),
            "bad.yaml:3: tasks[0].total_roi.offset: axis 0 (-9223372036854775808) is beyond ±2^60"),
        refused("offset beyond 2^60", TASK.replace("read_roi: {offset: [0]", "read_roi: {offset: [4611686018427387904]"),
            "bad.yaml:4: tasks[0].read_roi.offset: axis 0 (4611686018427387904) is beyond ±2^60"),
        refused("shape beyond 2^60", TASK.replace("shape: [100]", "shape: [2305843009213693952]"),
            "bad.yaml:3: tasks[0].total_roi.shape: axis 0 (2305843009213693952) is beyond 2^60"),
        refused("block grid larger than 2^63", """
            tasks:
              - name: a
                total_roi: {offset: [0, 0, 0, 0], shape: [1099511627776, 1099511627776, 1099511627776, 1099511627776]}
                read_roi: {offset: [0, 0, 0, 0], shape: [1, 1, 1, 1]}
                write_roi: {offset: [0, 0, 0, 0], shape: [1, 1, 1, 1]}
                process: {command: "true"}
            """, "too many blocks"),
        refused("hexadecimal integer", TASK + "    num_workers: 0x10\n",
            "bad.yaml:7: tasks[0].num_workers: expected a decimal integer, got '0x10'"),
        refused("octal-looking integer", TASK.replace("shape: [10]}\n    process", "shape: [010]}\n    process"),
            "bad.yaml:5: tasks[0].write_roi.shape[0]: expected a decimal integer, got '010'"),
        // ---- metacharacters that must arrive as data
        inert("env value with quotes and shell code", "worker: {env: {FOO: " + q("it's " + PAYLOAD) + "}}\n" + TASK,
            List.of("it's " + PAYLOAD)),
        inert("jvm option with shell code", "worker: {jvm_options: [" + q("-Dx=" + PAYLOAD) + "]}\n" + TASK,
            List.of("-Dx=" + PAYLOAD)),
        inert("classpath entry with spaces and shell code",
            "worker: {classpath: [" + q("lib dir/" + PAYLOAD + ".jar") + "]}\n" + TASK,
            List.of("lib dir/" + PAYLOAD + ".jar")),
        inert("java path with spaces and shell code", "worker: {java: " + q("JAVADIR/java") + "}\n" + TASK,
            List.of()),
        inert("--run-dir with quotes, spaces and shell code", TASK, List.of("it's " + PAYLOAD),
            "--run-dir", "RUN/it's " + PAYLOAD),
        inert("extra #SBATCH directive with shell code",
            "slurm: {job_extra_directives: [" + q("--comment=" + PAYLOAD) + "]}\n" + TASK,
            List.of("--comment=" + PAYLOAD)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void hostileInputExitsTwoOrYieldsAnInertScript(String title, String yaml, List<String> options,
      Expect expect, List<String> details, @TempDir Path dir) throws Exception {
    Path canary = dir.resolve("canary");
    Path runDir = dir.resolve("run");
    // the stub java sits in a directory whose name is itself hostile
    Path javaDir = dir.resolve("java dir " + PAYLOAD.replace("/", ""));
    Files.createDirectories(javaDir);
    Path stub = javaDir.resolve("java");
    Path argvFile = dir.resolve("argv.bin");
    Path envFile = dir.resolve("env.bin");
    Files.writeString(stub, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > '" + argvFile
        + "'\nenv -0 > '" + envFile + "'\n");
    Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    String text = yaml.replace("JAVADIR", javaDir.toString()).replace("RUN", runDir.toString());
    if (expect == Expect.INERT && !text.contains("java:")) {
      text = text.startsWith("worker: {")
          ? text.replaceFirst("worker: \\{", Matcher.quoteReplacement("worker: {java: " + q(stub.toString()) + ", "))
          : "worker: {java: " + q(stub.toString()) + "}\n" + text;
    }
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, text);
    List<String> args = new ArrayList<>(List.of("--dry-run", "--backend", "slurm"));
    for (String o : options) {
      args.add(o.replace("RUN", runDir.toString()));
    }
    if (!options.contains("--run-dir") && !text.contains("run_dir:")) {
      args.add("--run-dir");
      args.add(runDir.toString());
    }
    args.add(file.toString());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String message = err.toString(StandardCharsets.UTF_8);
    System.out.println("MaliciousConfigTest: " + title + ": exit " + code + (message.isEmpty() ? ""
        : ": " + message.strip().substring(0, Math.min(message.strip().length(), 240))));
    if (expect == Expect.REFUSED) {
      assertEquals(2, code, message);
      assertTrue(message.replace(file.toString(), "bad.yaml").contains(details.get(0)),
          "expected '" + details.get(0) + "' in '" + message + "'");
      assertTrue(message.length() < 2000, "a bounded message, not " + message.length() + " characters");
      assertFalse(Files.exists(runDir), "no run directory after a refusal");
      if (options.isEmpty()) {
        ByteArrayOutputStream planErr = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[] {"plan", file.toString()}, new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(planErr, true, StandardCharsets.UTF_8)), "plan: " + planErr);
      }
    } else {
      assertEquals(0, code, message);
      Path actualRunDir = options.contains("--run-dir")
          ? Path.of(options.get(options.indexOf("--run-dir") + 1).replace("RUN", runDir.toString()))
          : runDir;
      Path script = actualRunDir.resolve("jobs").resolve("a-dryrun.sh");
      assertEquals(0, bash(dir, "-n", script.toString()), "bash -n " + script);
      assertEquals(0, bash(dir, script.toString()), "running " + script);
      assertTrue(Files.exists(argvFile), "the script did not reach the (stub) worker command");
      List<String> argv = split(argvFile);
      List<String> env = split(envFile);
      List<String> lines = Files.readAllLines(script);
      for (String p : details) {
        boolean asData = argv.stream().anyMatch(a -> a.contains(p)) || env.stream().anyMatch(e -> e.endsWith("=" + p));
        List<String> inScript = lines.stream().filter(l -> l.contains(p)).toList();
        boolean onlyDirective = !inScript.isEmpty() && inScript.stream().allMatch(l -> l.startsWith("#SBATCH "));
        assertTrue(asData || onlyDirective, "payload '" + p + "' neither reached the worker as data nor"
            + " stayed on #SBATCH lines; argv " + argv);
      }
    }
    assertFalse(Files.exists(canary), "the canary was created: a payload ran");
    assertFalse(Files.exists(Path.of("canary").toAbsolutePath()), "the canary was created in the working directory");
  }

  private static int bash(Path cwd, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("bash"));
    argv.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bash did not end");
    if (p.exitValue() != 0) {
      System.out.println("MaliciousConfigTest: bash " + String.join(" ", args) + ": " + output);
    }
    return p.exitValue();
  }

  private static List<String> split(Path file) throws Exception {
    String s = Files.readString(file);
    return s.isEmpty() ? List.of() : List.of(s.split("\0"));
  }
}
