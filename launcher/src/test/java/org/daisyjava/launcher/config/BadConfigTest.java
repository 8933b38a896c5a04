package org.daisyjava.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.daisyjava.launcher.Main;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each bad config makes {@code daisy-launch plan} and {@code daisy-launch} exit 2 with one line
 * {@code FILE:LINE: KEY: problem}, and creates no run directory.
 */
class BadConfigTest {
  private static final String GOOD_TASK = """
      tasks:
        - name: a
          total_roi: {offset: [0, 0], shape: [100, 100]}
          read_roi: {offset: [-10, -10], shape: [40, 40]}
          write_roi: {offset: [0, 0], shape: [20, 20]}
      """;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("missing key", """
            tasks:
              - name: a
                total_roi: {offset: [0], shape: [100]}
                read_roi: {offset: [0], shape: [10]}
            """, "bad.yaml:2: tasks[0]: missing required key 'write_roi'"),
        Arguments.of("wrong type", """
            tasks:
              - name: a
                total_roi: {offset: [0], shape: [100]}
                read_roi: {offset: [0], shape: [10]}
                write_roi: {offset: [0], shape: [10]}
                num_workers: four
            """, "bad.yaml:6: tasks[0].num_workers: expected an integer, got 'four'"),
        Arguments.of("misspelt enum", """
            tasks:
              - name: a
                total_roi: {offset: [0], shape: [100]}
                read_roi: {offset: [0], shape: [10]}
                write_roi: {offset: [0], shape: [10]}
                fit: vaild
            """, "bad.yaml:6: tasks[0].fit: expected one of valid, overhang, shrink, got 'vaild'"),
        Arguments.of("unknown key", """
            tasks:
              - name: a
                total_roi: {offset: [0], shape: [100]}
                read_roi: {offset: [0], shape: [10]}
                write_roi: {offset: [0], shape: [10]}
                num_wrokers: 4
            """, "bad.yaml:6: tasks[0].num_wrokers: unknown key"),
        Arguments.of("unknown top-level key", "taks: []\n", "bad.yaml:1: taks: unknown key"),
        Arguments.of("negative shape", """
            tasks:
              - name: a
                total_roi: {offset: [0, 0], shape: [100, -5]}
                read_roi: {offset: [0, 0], shape: [10, 10]}
                write_roi: {offset: [0, 0], shape: [10, 10]}
            """, "bad.yaml:3: tasks[0].total_roi.shape: must be positive on every axis, got -5 on axis 1"),
        Arguments.of("write outside read", """
            tasks:
              - name: a
                total_roi: {offset: [0], shape: [100]}
                read_roi: {offset: [0], shape: [10]}
                write_roi: {offset: [5], shape: [10]}
            """, "bad.yaml:5: tasks[0].write_roi: write ROI offset (5) shape (10) must lie inside read ROI offset (0) shape (10)"),
        Arguments.of("unknown upstream", GOOD_TASK + """
              - name: b
                total_roi: {offset: [0, 0], shape: [100, 100]}
                read_roi: {offset: [0, 0], shape: [10, 10]}
                write_roi: {offset: [0, 0], shape: [10, 10]}
                upstream: [a, c]
            """, "bad.yaml:10: tasks[1].upstream[1]: unknown task 'c' (tasks are: a, b)"),
        Arguments.of("dependency cycle", """
            tasks:
              - name: a
                total_roi: {offset: [0], shape: [100]}
                read_roi: {offset: [0], shape: [10]}
                write_roi: {offset: [0], shape: [10]}
                upstream: [b]
              - name: b
                total_roi: {offset: [0], shape: [100]}
                read_roi: {offset: [0], shape: [10]}
                write_roi: {offset: [0], shape: [10]}
                upstream: [a]
            """, "bad.yaml:6: tasks[0].upstream: dependency cycle between tasks: a -> b -> a"),
        Arguments.of("mismatched dimensions in a task", """
            tasks:
              - name: a
                total_roi: {offset: [0, 0, 0], shape: [100, 100, 100]}
                read_roi: {offset: [0, 0], shape: [10, 10]}
                write_roi: {offset: [0, 0, 0], shape: [10, 10, 10]}
            """, "bad.yaml:4: tasks[0].read_roi: has 2 dimensions but total_roi has 3"),
        Arguments.of("mismatched dimensions between chained tasks", GOOD_TASK + """
              - name: b
                total_roi: {offset: [0], shape: [100]}
                read_roi: {offset: [0], shape: [10]}
                write_roi: {offset: [0], shape: [10]}
                upstream: [a]
            """, "bad.yaml:10: tasks[1].upstream: task b has 1 dimensions but its upstream task a has 2"),
        Arguments.of("offset and shape of different length", """
            tasks:
              - name: a
                total_roi: {offset: [0, 0], shape: [100]}
                read_roi: {offset: [0], shape: [10]}
                write_roi: {offset: [0], shape: [10]}
            """, "bad.yaml:3: tasks[0].total_roi.shape: has 1 dimensions but offset has 2"),
        Arguments.of("not a multiple of voxel_size", """
            tasks:
              - name: a
                total_roi: {offset: [0, 0], shape: [400, 400]}
                read_roi: {offset: [-8, -6], shape: [56, 52]}
                write_roi: {offset: [0, 0], shape: [40, 40]}
                voxel_size: [4, 4]
            """, "bad.yaml:4: tasks[0].read_roi.offset: axis 1 (-6) is not a multiple of voxel_size 4 (4, 4)"),
        Arguments.of("duplicate task names", GOOD_TASK + """
              - name: a
                total_roi: {offset: [0, 0], shape: [100, 100]}
                read_roi: {offset: [0, 0], shape: [10, 10]}
                write_roi: {offset: [0, 0], shape: [10, 10]}
            """, "bad.yaml:6: tasks[1].name: duplicate task name 'a' (also tasks[0] at line 2)"),
        Arguments.of("empty file", "", "bad.yaml:1: the file is empty; expected a mapping with a 'tasks' list"),
        Arguments.of("only a comment", "# nothing here\n", "bad.yaml:1: the file is empty"),
        Arguments.of("not YAML", "tasks: [a, b\n  - c: }\n", "bad.yaml:2: not valid YAML"),
        Arguments.of("not a mapping", "- just\n- a list\n", "bad.yaml:1: expected a mapping with a 'tasks' list at the top level"),
        Arguments.of("no tasks", "name: x\n", "bad.yaml:1: missing required key 'tasks'"),
        Arguments.of("duplicate key", """
            tasks:
              - name: a
                name: b
                total_roi: {offset: [0], shape: [100]}
                read_roi: {offset: [0], shape: [10]}
                write_roi: {offset: [0], shape: [10]}
            """, "bad.yaml:3: tasks[0].name: key given twice"),
        Arguments.of("bad duration", GOOD_TASK + "    timeout: soon\n",
            "bad.yaml:6: tasks[0].timeout: expected a duration such as 500ms, 30s, 10m or 2h, got 'soon'"),
        Arguments.of("two process kinds", GOOD_TASK + "    process: {command: 'true', class: a.B}\n",
            "bad.yaml:6: tasks[0].process: needs exactly one of class, command, stream or builtin"),
        Arguments.of("misspelt process kind", GOOD_TASK + "    process: {comand: 'python3 x.py'}\n",
            "bad.yaml:6: tasks[0].process.comand: unknown key (did you mean 'command'?) (allowed"
                + " here: args, builtin, class, command, dir, probability, seconds, stream)"),
        Arguments.of("misspelt check kind", GOOD_TASK + "    check:\n      comand: 'test -f x'\n",
            "bad.yaml:7: tasks[0].check.comand: unknown key (did you mean 'command'?)"),
        Arguments.of("process not a mapping", GOOD_TASK + "    process: 'python3 x.py'\n",
            "bad.yaml:6: tasks[0].process: expected a mapping such as {command: \"...\"}"),
        Arguments.of("option of another kind", GOOD_TASK + "    process: {command: 'true', seconds: 1}\n",
            "bad.yaml:6: tasks[0].process.seconds: unknown key (allowed here: command)"),
        Arguments.of("bad max_failures", GOOD_TASK + "    max_failures: some\n",
            "bad.yaml:6: tasks[0].max_failures: expected a number of blocks (10) or a share of the"
                + " task's blocks (5%), got 'some'"),
        Arguments.of("max_failures above 100%", GOOD_TASK + "    max_failures: 120%\n",
            "bad.yaml:6: tasks[0].max_failures: must be between 0% and 100%, got 120.0%"),
        Arguments.of("negative max_failures", GOOD_TASK + "    max_failures: -1\n",
            "bad.yaml:6: tasks[0].max_failures: must be >= 0, got -1"),
        Arguments.of("bad task env name", GOOD_TASK + "    env: {\"MY-VAR\": x}\n",
            "bad.yaml:6: tasks[0].env.MY-VAR: not a valid environment variable name"),
        Arguments.of("duration without unit", GOOD_TASK + "    timeout: 30\n",
            "bad.yaml:6: tasks[0].timeout: expected a duration such as 500ms, 30s, 10m or 2h, got '30'"),
        Arguments.of("unknown builtin", GOOD_TASK + "    process: {builtin: nap}\n",
            "bad.yaml:6: tasks[0].process.builtin: expected one of fail, noop, sleep, touch, got 'nap'"),
        Arguments.of("control character in a directive", "slurm: {partition: \"gpu\\nrm\"}\n" + GOOD_TASK,
            "bad.yaml:1: slurm.partition: must not contain newlines or control characters"),
        Arguments.of("bad backend", "backend: pbs\n" + GOOD_TASK,
            "bad.yaml:1: backend: expected one of local, slurm, lsf, external, got 'pbs'"),
        Arguments.of("no slots", "worker: {slots: 0}\n" + GOOD_TASK,
            "bad.yaml:1: worker.slots: must be between 1 and 64, got 0"),
        Arguments.of("more slots than a worker may hold blocks", "worker:\n  slots: 65\n" + GOOD_TASK,
            "bad.yaml:2: worker.slots: must be between 1 and 64, got 65"),
        Arguments.of("slots not a number", "worker: {slots: eight}\n" + GOOD_TASK,
            "bad.yaml:1: worker.slots: expected an integer, got 'eight'"),
        Arguments.of("connect timeout below a second", "worker: {connect_timeout: 500ms}\n" + GOOD_TASK,
            "bad.yaml:1: worker.connect_timeout: must be between 1s and 1h, got 500ms"),
        Arguments.of("connect timeout above an hour", "worker:\n  connect_timeout: 2h\n" + GOOD_TASK,
            "bad.yaml:2: worker.connect_timeout: must be between 1s and 1h, got 2h"),
        Arguments.of("connect timeout without unit", "worker: {connect_timeout: 30}\n" + GOOD_TASK,
            "bad.yaml:1: worker.connect_timeout: expected a duration such as 500ms, 30s, 10m or 2h, got '30'"),
        Arguments.of("negative workers", GOOD_TASK + "    num_workers: -1\n",
            "bad.yaml:6: tasks[0].num_workers: must be between 0 and 100000, got -1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badConfigExitsTwoNamingKeyAndLine(String title, String yaml, String expected,
      @TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, yaml);
    for (String[] args : new String[][] {
        {"plan", file.toString()},
        {"--run-dir", dir.resolve("run").toString(), file.toString()}}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = Main.run(args, new PrintStream(out, true), new PrintStream(err, true));
      String message = err.toString(StandardCharsets.UTF_8);
      assertEquals(2, code, message);
      String prefix = "daisy-launch: " + file;
      assertTrue(message.startsWith(prefix), message);
      String rest = "bad.yaml" + message.substring(prefix.length());
      assertTrue(rest.startsWith(expected), "expected '" + expected + "' but got '" + rest + "'");
      assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing on stdout");
      assertFalse(Files.exists(dir.resolve("run")), "no run directory after a config error");
    }
  }
}
