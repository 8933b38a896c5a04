package org.daisyjava.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.daisyjava.core.BlockCode;
import org.daisyjava.core.Roi;
import org.daisyjava.launcher.config.SchedulerSettings.Encryption;
import org.daisyjava.launcher.run.WorkerKeys;
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.core.Fit;
import org.daisyjava.scheduler.graph.TaskGeometry;
import org.daisyjava.scheduler.server.CheckpointRecorder;
import org.daisyjava.scheduler.server.SchedulerServer;
import org.daisyjava.scheduler.server.ServerSettings;
import org.daisyjava.scheduler.state.TaskCounts;
import org.daisyjava.scheduler.server.TaskSettings;
import org.daisyjava.scheduler.state.SchedulingState;

/**
 * No-op blocks/s through real ZeroMQ: the scheduler (with its durable checkpoint log) in this
 * JVM, 1, 2 and 4 worker processes ({@code daisy-worker} with {@code builtin: noop}) over TCP
 * loopback. Reports the steady rate (from 5% to 100% of the blocks, so JVM start-up and JIT
 * warm-up are not counted) and the whole wall time.
 *
 * <p>Each case runs with CURVE encryption (the default of a run: the workers get a key file) and
 * without, {@code repeats} times each, and prints min/median/max of the steady rate and the ratio
 * of the medians.
 *
 * <p>Arguments: {@code [blocks per task, default 100000] [worker counts, default 1,2,4]
 * [repeats, default 3]}; JVM
 * options for the worker processes in {@code -Dbench.workerJvmOptions} ({@code %i}: worker index,
 * e.g. for a flight recording per worker); {@code -Dbench.nolog=true} runs without the checkpoint
 * log, to see what durability costs.
 */
public final class ZmqBench {
  private ZmqBench() {}

  public static void main(String[] args) throws Exception {
    int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int edge = (int) Math.round(Math.cbrt(blocks));
    int[] workerCounts = args.length > 1
        ? java.util.Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
        : new int[] {1, 2, 4};
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    System.out.printf("no-op blocks through ZeroMQ, workers as processes, durable checkpoint log%n");
    for (boolean conflict : new boolean[] {false, true}) {
      for (int workers : workerCounts) {
        double[] plain = new double[repeats];
        double[] curve = new double[repeats];
        for (int r = 0; r < repeats; r++) { // interleaved, so machine load hits both alike
          plain[r] = run(conflict, conflict ? edge : 0, blocks, workers, false);
          curve[r] = run(conflict, conflict ? edge : 0, blocks, workers, true);
        }
        System.out.printf("%-28s %d worker%s: plain %s, CURVE %s blocks/s (min/median/max of %d);"
            + " plain/CURVE %.2fx%n",
            conflict ? "3-D with conflicts" : "no conflicts", workers, workers == 1 ? " " : "s",
            stats(plain), stats(curve), repeats, median(plain) / median(curve));
      }
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String stats(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return String.format("%,.0f/%,.0f/%,.0f", s[0], median(s), s[s.length - 1]);
  }

  private static TaskGeometry geometry(boolean conflict, int edge, int blocks) {
    if (!conflict) {
      return new TaskGeometry("bench", Roi.of(new long[] {0}, new long[] {blocks * 10L}),
          Roi.of(new long[] {0}, new long[] {10}), Roi.of(new long[] {0}, new long[] {10}),
          Fit.VALID, false, List.of());
    }
    long w = 16;
    long c = 4;
    long side = edge * w + 2 * c;
    return new TaskGeometry("bench", Roi.of(new long[] {0, 0, 0}, new long[] {side, side, side}),
        Roi.of(new long[] {-c, -c, -c}, new long[] {w + 2 * c, w + 2 * c, w + 2 * c}),
        Roi.of(new long[] {0, 0, 0}, new long[] {w, w, w}), Fit.VALID, true, List.of());
  }

  private static double run(boolean conflict, int edge, int blocks, int workers, boolean encrypted)
      throws Exception {
    DependencyGraph graph = DependencyGraph.of(List.of(geometry(conflict, edge, blocks)));
    long total = graph.totalBlocks();
    SchedulingState state = new SchedulingState(graph, new int[] {0}, null);
    Path dir = Files.createTempDirectory("daisy-zmq-bench");
    CheckpointRecorder log = CheckpointRecorder.create(dir.resolve("checkpoint.log"), "bench".getBytes());
    WorkerKeys keys = WorkerKeys.generate(encrypted ? Encryption.CURVE : Encryption.OFF);
    Path keyFile = dir.resolve("worker.key");
    Files.writeString(keyFile, keys.workerFileText());
    SchedulerServer server = new SchedulerServer(state, new ServerSettings("127.0.0.1", 0, 0,
        Duration.ofSeconds(1), 5, keys.server(), dir.toString(),
        List.of(new TaskSettings(BlockCode.of(BlockCode.Kind.BUILTIN, "noop"), null, null))),
        Boolean.getBoolean("bench.nolog") ? null : log);
    log.attach(server);
    ObservedRun observed = ObservedRun.attach(server, graph, dir); // -Dbench.observe=off|model|page
    int port = server.start();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> procs = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < workers; i++) {
      List<String> argv = new ArrayList<>(List.of(java));
      String extra = System.getProperty("bench.workerJvmOptions", "").replace("%i", Integer.toString(i));
      if (!extra.isBlank()) {
        argv.addAll(List.of(extra.trim().split("\\s+")));
      }
      argv.addAll(List.of("-cp", System.getProperty("java.class.path"),
          "org.daisyjava.worker.WorkerMain", "--connect", "tcp://127.0.0.1:" + port, "--task", "bench",
          "--key-file", keyFile.toString()));
      procs.add(new ProcessBuilder(argv)
          .redirectOutput(dir.resolve("w" + i + ".out").toFile())
          .redirectError(dir.resolve("w" + i + ".err").toFile()).start());
    }
    long warm = total / 20;
    long tWarm = 0;
    long done = 0;
    while (true) {
      TaskCounts c = server.snapshot().tasks().get(0).counts();
      observed.tick(server.snapshot());
      done = c.completed();
      if (tWarm == 0 && done >= warm) {
        tWarm = System.nanoTime();
      }
      if (c.finished()) {
        break;
      }
      Thread.sleep(2);
    }
    long tEnd = System.nanoTime();
    for (Process p : procs) {
      p.waitFor();
    }
    server.close();
    log.close();
    observed.close();
    double steady = (total - warm) / ((tEnd - tWarm) / 1e9);
    System.out.printf("  %-26s %d worker%s %-5s: %,9.0f blocks/s steady, %,7d blocks in %5.2f s wall (incl. JVM start)%n",
        conflict ? "3-D with conflicts (" + total + ")" : "no conflicts (" + total + ")", workers,
        workers == 1 ? " " : "s", encrypted ? "CURVE" : "plain", steady, total, (tEnd - t0) / 1e9);
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
    return steady;
  }
}
