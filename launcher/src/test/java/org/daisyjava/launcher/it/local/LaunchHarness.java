package org.daisyjava.launcher.it.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.daisyjava.launcher.Main;

/**
 * Runs {@code daisy-launch} as a separate JVM (its local backend then starts real worker JVMs
 * with the same classpath) and reads what the blocks left behind: the block log that the test
 * commands append to, {@code plan --json} and {@code summary.json}.
 *
 * <p>The block log has one line per event of a block: {@code TASK BLOCK_ID ATTEMPT WORKER_ID
 * WRITE_OFFSET GENERATION start|end NANOS}, where the generation is the {@code RUN_GEN} variable
 * of the worker environment (tests that resume give every launch its own), so every line says
 * which launch ran it.
 */
final class LaunchHarness {
  /** Longer than any run of these tests can take on a loaded machine; only stops hangs. */
  static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
  /** Orphaned workers leave after heartbeat_interval x liveness; this is only a hang guard. */
  static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);
  /**
   * JVM options of the launchers these tests start: one GC thread and no C2 compiler, since a
   * test's launcher lives seconds and its JIT threads would only compete for the cores with the
   * workers (the SLURM tests give their worker jobs the same; the code run is the same).
   */
  static final List<String> LAUNCHER_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
  /**
   * {@code worker.jvm_options} for the same reason. Measured at load 13-15 on 2 cores, a run of
   * two chained tasks of 25 blocks took 14.1 s with the default JVM options for launcher and
   * workers and 7.9 s with these (means of 3, alternated). At load 2-8 the test classes that
   * only gained these options took between 0.2 s less and 2.5 s more than before (one run each):
   * they help where the suite is slow, on a busy machine.
   */
  static final String WORKER_JVM_OPTIONS = "[-XX:+UseSerialGC, -XX:TieredStopAtLevel=1]";
  private static final ObjectMapper JSON = new ObjectMapper();

  private LaunchHarness() {}

  // ------------------------------------------------------------------ launcher processes

  /** A launcher JVM started by a test; stdout and stderr go to files next to the config. */
  static final class Launched {
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private Launched(Process process, Path stdout, Path stderr) {
      this.process = process;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    long pid() {
      return process.pid();
    }

    boolean isAlive() {
      return process.isAlive();
    }

    /** What it printed to stdout so far. */
    String stdout() {
      return read(stdout);
    }

    /** Its worker JVMs and their children right now. */
    List<ProcessHandle> descendants() {
      return process.descendants().toList();
    }

    /** Sends a signal ({@code TERM}, {@code INT}, {@code KILL}) with kill(1). */
    void signal(String name) throws IOException, InterruptedException {
      Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(process.pid()))
          .redirectErrorStream(true).start();
      String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, kill.waitFor(), "kill -s " + name + " failed: " + out);
    }

    /** Waits for the exit; a launcher still running after {@link #RUN_TIMEOUT} fails the test. */
    Finished await() throws InterruptedException {
      if (!process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        List<ProcessHandle> tree = descendants();
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        process.waitFor();
        fail("daisy-launch did not end within " + RUN_TIMEOUT + "\nstdout:\n" + read(stdout)
            + "\nstderr:\n" + read(stderr));
      }
      return new Finished(process.exitValue(), read(stdout), read(stderr));
    }

    /** Polls {@code condition} until it holds or the launcher exits; true if it held. */
    boolean awaitWhileRunning(BooleanSupplier condition) throws InterruptedException {
      long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        if (condition.getAsBoolean()) {
          return true;
        }
        if (!process.isAlive()) {
          return condition.getAsBoolean();
        }
        Thread.sleep(20);
      }
      fail("neither the condition nor the end of daisy-launch came within " + RUN_TIMEOUT
          + "\nstdout:\n" + read(stdout));
      return false;
    }
  }

  /** How a launcher process ended and what it printed. */
  record Finished(int exitCode, String stdout, String stderr) {
    /** For assertion messages. */
    String output() {
      return "exit code " + exitCode + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
    }
  }

  /**
   * Starts {@code java -cp <this classpath> org.daisyjava.launcher.Main args...} in {@code dir}.
   * {@code prefix} goes before java (e.g. {@code env --default-signal=INT}).
   */
  static Launched start(Path dir, List<String> prefix, String... args) throws IOException {
    List<String> argv = new ArrayList<>(prefix);
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(LAUNCHER_JVM_OPTIONS);
    argv.add("-cp");
    argv.add(System.getProperty("java.class.path"));
    argv.add(Main.class.getName());
    argv.addAll(List.of(args));
    String tag = Long.toString(System.nanoTime());
    Path out = dir.resolve("launcher-" + tag + ".out");
    Path err = dir.resolve("launcher-" + tag + ".err");
    Process p = new ProcessBuilder(argv).directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    return new Launched(p, out, err);
  }

  static Launched start(Path dir, String... args) throws IOException {
    return start(dir, List.of(), args);
  }

  /** Runs the launcher to its end. */
  static Finished run(Path dir, String... args) throws IOException, InterruptedException {
    return start(dir, args).await();
  }

  /** Waits until every process has exited; fails (after killing them) if one does not. */
  static void awaitExit(List<ProcessHandle> processes, String what) throws InterruptedException {
    long deadline = System.nanoTime() + EXIT_TIMEOUT.toNanos();
    for (ProcessHandle h : processes) {
      try {
        h.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        String status = describe(h);
        processes.forEach(ProcessHandle::destroyForcibly);
        fail(what + ": process " + h.pid() + " was still running after " + EXIT_TIMEOUT + ": " + status);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Command line, state and parent of a process, for failure messages (Linux /proc). */
  private static String describe(ProcessHandle h) {
    String command = h.info().commandLine().orElse("(no command line)");
    if (command.length() > 300) { // a java command line with its whole classpath
      command = command.substring(0, 100) + " … " + command.substring(command.length() - 200);
    }
    StringBuilder s = new StringBuilder(command);
    Path status = Path.of("/proc", Long.toString(h.pid()), "status");
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("State:") || line.startsWith("PPid:") || line.startsWith("Name:")) {
          s.append("; ").append(line.replace('\t', ' '));
        }
      }
    } catch (IOException e) {
      s.append("; ").append(status).append(" unreadable: ").append(e);
    }
    return s.toString();
  }

  // ------------------------------------------------------------------ config pieces

  /** A YAML single-quoted scalar. */
  static String yaml(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /**
   * A block command that appends a start line to {@code blockLog}, runs {@code body} (one or more
   * commands; it may exit early) and appends an end line. One line: YAML folds line breaks.
   */
  static String logged(Path blockLog, String body) {
    String fields = "\"$DAISY_TASK $DAISY_BLOCK_ID $DAISY_ATTEMPT $DAISY_WORKER_ID"
        + " $DAISY_WRITE_OFFSET ${RUN_GEN:-0}";
    String log = " >> \"" + blockLog + "\"";
    return "echo " + fields + " start $(date +%s%N)\"" + log + "; " + body + "; echo " + fields
        + " end $(date +%s%N)\"" + log;
  }

  // ------------------------------------------------------------------ the block log

  /** One line of the block log. */
  record BlockEvent(String task, long blockId, int attempt, int worker, String writeOffset,
      int generation, boolean start, long nanos) {
    /** Task and write offset: how {@code plan --json} names a block. */
    String key() {
      return task + "@" + writeOffset;
    }
  }

  static List<BlockEvent> readBlockLog(Path file) throws IOException {
    List<BlockEvent> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    for (String line : Files.readAllLines(file)) {
      String[] f = line.split(" ");
      if (f.length != 8 || !(f[6].equals("start") || f[6].equals("end"))) {
        fail("malformed block log line in " + file + ": '" + line + "'");
      }
      out.add(new BlockEvent(f[0], Long.parseLong(f[1]), Integer.parseInt(f[2]),
          Integer.parseInt(f[3]), f[4], Integer.parseInt(f[5]), f[6].equals("start"),
          Long.parseLong(f[7])));
    }
    return out;
  }

  /** Number of end lines in the block log (cheap enough to poll). */
  static long countEnds(Path file) {
    if (!Files.exists(file)) {
      return 0;
    }
    try (var lines = Files.lines(file)) {
      return lines.filter(l -> l.contains(" end ")).count();
    } catch (IOException | UncheckedIOException e) {
      return 0; // being appended to; the next poll reads it
    }
  }

  // ------------------------------------------------------------------ plan and summary

  /** A block as {@code plan --json} shows it. */
  record PlannedBlock(String task, String writeOffset, List<String> upstream) {
    String key() {
      return task + "@" + writeOffset;
    }
  }

  /** {@code daisy-launch plan --json CONFIG}, by key (task@write_offset), in file order. */
  static Map<String, PlannedBlock> plan(Path config) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"plan", "--json", config.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, "plan --json failed: " + err.toString(StandardCharsets.UTF_8));
    Map<String, PlannedBlock> blocks = new LinkedHashMap<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = JSON.readTree(line);
      List<String> upstream = new ArrayList<>();
      for (JsonNode u : n.get("upstream")) {
        upstream.add(u.get("task").asText() + "@" + offset(u.get("write_offset")));
      }
      PlannedBlock b = new PlannedBlock(n.get("task").asText(), offset(n.get("write_offset")),
          List.copyOf(upstream));
      if (blocks.put(b.key(), b) != null) {
        fail("plan --json lists " + b.key() + " twice");
      }
    }
    return blocks;
  }

  /** A JSON array of numbers as DAISY_WRITE_OFFSET writes it: {@code 5,15,25}. */
  private static String offset(JsonNode array) {
    List<String> parts = new ArrayList<>();
    array.forEach(v -> parts.add(Long.toString(v.asLong())));
    return String.join(",", parts);
  }

  static JsonNode summary(Path runDir) throws IOException {
    Path file = runDir.resolve("summary.json");
    if (!Files.exists(file)) {
      fail("no summary.json in " + runDir);
    }
    return JSON.readTree(file.toFile());
  }

  /** Every regular file under {@code root} (relative path) with its bytes; empty if no root. */
  static Map<Path, byte[]> files(Path root) throws IOException {
    Map<Path, byte[]> out = new TreeMap<>();
    if (!Files.exists(root)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p), Files.readAllBytes(p));
      }
    }
    return out;
  }

  /** Fails unless both snapshots of {@link #files} hold the same files with the same bytes. */
  static void assertSameFiles(Map<Path, byte[]> before, Map<Path, byte[]> after, String what) {
    assertEquals(before.keySet(), after.keySet(), what + ": files were added or removed");
    for (Map.Entry<Path, byte[]> e : before.entrySet()) {
      if (!Arrays.equals(e.getValue(), after.get(e.getKey()))) {
        fail(what + ": " + e.getKey() + " was changed");
      }
    }
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
