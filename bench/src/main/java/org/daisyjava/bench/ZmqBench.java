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
import org.daisyjava.scheduler.graph.DependencyGraph;
import org.daisyjava.scheduler.graph.Fit;
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
 * <p>Arguments: {@code [blocks per task, default 100000] [worker counts, default 1,2,4]}; JVM
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
    System.out.printf("no-op blocks through ZeroMQ, workers as processes, durable checkpoint log%n");
    for (boolean conflict : new boolean[] {false, true}) {
      for (int workers : workerCounts) {
        run(conflict, conflict ? edge : 0, blocks, workers);
      }
    }
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

  private static void run(boolean conflict, int edge, int blocks, int workers) throws Exception {
    DependencyGraph graph = DependencyGraph.of(List.of(geometry(conflict, edge, blocks)));
    long total = graph.totalBlocks();
    SchedulingState state = new SchedulingState(graph, new int[] {0}, null);
    Path dir = Files.createTempDirectory("daisy-zmq-bench");
    CheckpointRecorder log = CheckpointRecorder.create(dir.resolve("checkpoint.log"), "bench".getBytes());
    SchedulerServer server = new SchedulerServer(state, new ServerSettings("127.0.0.1", 0, 0,
        Duration.ofSeconds(1), 5, null, dir.toString(),
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
          "org.daisyjava.worker.WorkerMain", "--connect", "tcp://127.0.0.1:" + port, "--task", "bench"));
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
    System.out.printf("%-28s %d worker%s: %,9.0f blocks/s steady, %,7d blocks in %5.2f s wall (incl. JVM start)%n",
        conflict ? "3-D with conflicts (" + total + ")" : "no conflicts (" + total + ")", workers,
        workers == 1 ? " " : "s", steady, total, (tEnd - t0) / 1e9);
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }
}
