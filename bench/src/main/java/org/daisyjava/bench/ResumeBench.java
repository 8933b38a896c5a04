package org.daisyjava.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.daisyjava.launcher.config.ConfigLoader;
import org.daisyjava.launcher.config.PipelineConfig;
import org.daisyjava.launcher.config.TaskConfig;
import org.daisyjava.launcher.run.GeometryFingerprint;
import org.daisyjava.launcher.run.RunDirectory;
import org.daisyjava.scheduler.checkpoint.CheckpointLog;
import org.daisyjava.scheduler.checkpoint.DurabilityListener;
import org.daisyjava.scheduler.checkpoint.Outcome;

/**
 * {@code daisy-launch --resume} of a large run with a small heap: the memory a resume needs must
 * follow the frontier of what is left, not the number of blocks done.
 *
 * <p>Writes the run directory of a 3-D task with read/write conflicts as an earlier launch would
 * have left it — config copy and a checkpoint log with the given share of the blocks done — then
 * resumes it with {@code scripts/daisy-launch --resume} as a child process and prints the exit
 * code, the wall time and the launcher's peak RSS (its {@code VmHWM}, sampled until it exits).
 *
 * <p>Usage: {@code ResumeBench [blocksPerAxis] [doneFraction] [javaOpts]}; defaults 216 (10.08
 * million blocks), 1.0 (a finished run), {@code -Xmx64m}. With a fraction below 1 the first
 * blocks by id are logged and the rest run (no-op blocks, two local workers).
 */
public final class ResumeBench {
  private ResumeBench() {}

  public static void main(String[] args) throws Exception {
    int perAxis = args.length > 0 ? Integer.parseInt(args[0]) : 216;
    double fraction = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
    String javaOpts = args.length > 2 ? args[2] : "-Xmx64m";
    Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath();
    Path work = Files.createTempDirectory("resume-bench");
    try {
      Path config = work.resolve("resume.yaml");
      long side = perAxis * 10L + 2;
      Files.writeString(config, String.join("\n",
          "name: resume-bench",
          "run_dir: " + work.resolve("run"),
          "tasks:",
          "  - name: big",
          "    total_roi: {offset: [0, 0, 0], shape: [" + side + ", " + side + ", " + side + "]}",
          "    read_roi: {offset: [-1, -1, -1], shape: [12, 12, 12]}",
          "    write_roi: {offset: [0, 0, 0], shape: [10, 10, 10]}",
          "    num_workers: 2",
          "    process: {builtin: noop}",
          ""));
      PipelineConfig pipeline = ConfigLoader.load(config);
      TaskConfig task = pipeline.tasks().get(0);
      long blocks = pipeline.graph().grid(0).blockCount();
      long done = Math.round(blocks * fraction);
      GeometryFingerprint geometry = GeometryFingerprint.of(pipeline.geometries());
      RunDirectory dir = RunDirectory.open(pipeline.runDir(), false, geometry).dir();
      dir.create(pipeline.text(), List.of(task.name()), false);
      long t0 = System.nanoTime();
      try (CheckpointLog log = CheckpointLog.create(dir.checkpointLog(), geometry.toBytes(), IGNORE)) {
        for (long id = 0; id < done; id++) {
          log.append(0, id, Outcome.SUCCESS);
        }
        log.flush();
      }
      System.out.printf(Locale.ROOT, "run dir with %,d blocks, %,d of them logged done (%.1f s to write)%n",
          blocks, done, (System.nanoTime() - t0) / 1e9);
      List<String> argv = List.of(root.resolve("scripts/daisy-launch").toString(), "--resume", "--quiet",
          config.toString());
      ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
          .redirectOutput(work.resolve("launch.out").toFile());
      pb.environment().put("JAVA_OPTS", javaOpts);
      long start = System.nanoTime();
      Process launcher = pb.start(); // the wrapper execs java: this pid is the launcher JVM
      long peakKb = 0;
      while (launcher.isAlive()) {
        peakKb = Math.max(peakKb, peakRssKb(launcher.pid()));
        Thread.sleep(20);
      }
      int code = launcher.waitFor();
      double wall = (System.nanoTime() - start) / 1e9;
      String out = Files.readString(work.resolve("launch.out"));
      System.out.printf(Locale.ROOT, "daisy-launch --resume with JAVA_OPTS=%s: exit %d, %.2f s wall,"
          + " launcher peak RSS %.0f MB (VmHWM; worker processes not counted)%n",
          javaOpts, code, wall, peakKb / 1024.0);
      if (code != 0) {
        System.out.println(out);
      }
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The process's peak resident set so far ({@code VmHWM}), 0 once it is gone. */
  private static long peakRssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // exited between the check and the read
    }
    return 0;
  }

  private static final DurabilityListener IGNORE = new DurabilityListener() {
    @Override
    public void durable(long upToSequence) {}

    @Override
    public void failed(IOException cause) {
      throw new IllegalStateException(cause);
    }
  };
}
