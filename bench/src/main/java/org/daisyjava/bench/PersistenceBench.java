package org.daisyjava.bench;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.daisyjava.core.Coordinate;
import org.daisyjava.core.Roi;
import org.daisyjava.persistence.ArrayBlock;
import org.daisyjava.persistence.ArraySpec;
import org.daisyjava.persistence.Compressor;
import org.daisyjava.persistence.DataType;
import org.daisyjava.persistence.ZarrArray;

/**
 * Zarr I/O through the whole product: {@code daisy-launch} (local backend, 2 worker processes)
 * runs {@link CopyBlocks} over a 1 GiB uint8 volume (1024^3, chunks 64^3, blocks 128^3, zstd 3:
 * every block read, decompressed, compressed and written), timed from launch to exit (JVM starts
 * included), beside {@code cp} of the same data on the same disk: the array's chunk files
 * ({@code cp -r}) and a 1 GiB raw file. Then the wall time of examples/smooth.yaml (256^3) with
 * the Java worker and of examples/smooth-python/smooth.yaml with the Python stream worker. Every
 * measurement is repeated ({@code -Dbench.repeats}, default 3) and printed as min/median/max.
 * Nothing is fsynced (neither does cp), so the page cache is part of what is measured.
 *
 * <p>Arguments: {@code WORKDIR ROOT PYTHON} (the work directory on the disk to measure, the
 * repository root, and a python3 with zarr-python and scipy); {@code -Dbench.edge} the volume's
 * edge (default 1024); {@code -Dbench.parts} which parts to run (default {@code copy,cp,smooth}).
 */
public final class PersistenceBench {
  private static final int REPEATS = Integer.getInteger("bench.repeats", 3);
  private static final int EDGE = Integer.getInteger("bench.edge", 1024);
  private static final List<String> PARTS =
      List.of(System.getProperty("bench.parts", "copy,cp,smooth").split(","));
  private static final int CHUNK = 64;
  private static final int BLOCK = 128;

  private PersistenceBench() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]).toAbsolutePath();
    Path root = Path.of(args[1]).toAbsolutePath();
    String python = args[2];
    deleteTree(work);
    Files.createDirectories(work);
    Path input = work.resolve("input.zarr");
    long bytes = (long) EDGE * EDGE * EDGE;
    System.out.printf(Locale.ROOT, "volume %d^3 uint8 = %.0f MiB, chunks %d^3, blocks %d^3, zstd 3, work dir %s%n",
        EDGE, bytes / 1048576.0, CHUNK, BLOCK, work);
    long t0 = System.nanoTime();
    if (PARTS.contains("copy") || PARTS.contains("cp")) {
      generate(input);
    }
    if (Files.exists(input)) {
      System.out.printf(Locale.ROOT, "input written in %.1f s (not measured): %.0f MiB of chunk files%n",
          (System.nanoTime() - t0) / 1e9, size(input) / 1048576.0);
    }

    if (PARTS.contains("copy")) {
      copy(work, root, input, bytes);
    }
    if (PARTS.contains("cp")) {
      cp(work, input, bytes);
    }
    if (PARTS.contains("smooth")) {
      smooth(work, root, python);
    }
    deleteTree(work);
  }

  private static void copy(Path work, Path root, Path input, long bytes) throws Exception {
    double[] copy = new double[REPEATS];
    for (int r = 0; r < REPEATS; r++) {
      Path output = work.resolve("output.zarr");
      deleteTree(output);
      deleteTree(work.resolve("copy-run"));
      Path config = work.resolve("copy.yaml");
      Files.writeString(config, """
          name: copy
          run_dir: %s
          tasks:
            - name: copy
              total_roi: {offset: [0, 0, 0], shape: [%d, %d, %d]}
              read_roi: {offset: [0, 0, 0], shape: [%d, %d, %d]}
              write_roi: {offset: [0, 0, 0], shape: [%d, %d, %d]}
              read_write_conflict: false
              num_workers: 2
              process: {class: %s, args: {input: "%s", output: "%s", level: 3}}
          """.formatted(work.resolve("copy-run"), EDGE, EDGE, EDGE, BLOCK, BLOCK, BLOCK, BLOCK, BLOCK,
          BLOCK, CopyBlocks.class.getName(), input, output));
      copy[r] = launch(work, root, List.of("--quiet", config.toString()));
      verifySample(input, output);
      System.out.printf(Locale.ROOT, "  blockwise read+write run %d: %.2f s = %.0f MiB/s%n", r + 1, copy[r],
          bytes / 1048576.0 / copy[r]);
    }
    report("blockwise read+write, 2 workers (MiB/s of volume)", rates(copy, bytes));
    deleteTree(work.resolve("output.zarr"));
  }

  private static void cp(Path work, Path input, long bytes) throws Exception {

    double[] cpChunks = new double[REPEATS];
    for (int r = 0; r < REPEATS; r++) {
      Path target = work.resolve("cp-chunks");
      deleteTree(target);
      cpChunks[r] = time(List.of("cp", "-r", input.toString(), target.toString()), work);
    }
    long chunkBytes = size(input);
    report("cp -r of the input's chunk files (" + chunkBytes / 1048576 + " MiB, MiB/s of files)",
        rates(cpChunks, chunkBytes));
    report("  the same, as MiB/s of the volume they hold", rates(cpChunks, bytes));

    Path raw = work.resolve("raw.bin");
    writeRaw(raw, bytes);
    double[] cpRaw = new double[REPEATS];
    for (int r = 0; r < REPEATS; r++) {
      Files.deleteIfExists(work.resolve("raw-copy.bin"));
      cpRaw[r] = time(List.of("cp", raw.toString(), work.resolve("raw-copy.bin").toString()), work);
    }
    report("cp of a raw " + bytes / 1048576 + " MiB file (MiB/s)", rates(cpRaw, bytes));
    Files.deleteIfExists(raw);
    Files.deleteIfExists(work.resolve("raw-copy.bin"));
    deleteTree(work.resolve("cp-chunks"));
  }

  private static void smooth(Path work, Path root, String python) throws Exception {
    double[] java = new double[REPEATS];
    double[] py = new double[REPEATS];
    String stream = "exec python3 examples/smooth-python/smooth.py";
    String pythonPath = root.resolve("worker/python") + File.pathSeparator
        + root.resolve("launcher/src/test/resources/smooth");
    for (int r = 0; r < REPEATS; r++) {
      java[r] = smooth(work, root, "examples/smooth.yaml", "smooth-java", null, null);
      py[r] = smooth(work, root, "examples/smooth-python/smooth.yaml", "smooth-python", stream,
          "PYTHONPATH=" + pythonPath + " exec " + python + " " + root.resolve("examples/smooth-python/smooth.py"));
      System.out.printf(Locale.ROOT, "  smooth run %d: Java %.1f s, Python %.1f s%n", r + 1, java[r], py[r]);
    }
    report("examples/smooth.yaml, 256^3, Java worker (s)", java);
    report("examples/smooth-python/smooth.yaml, Python stream worker (s)", py);
  }

  private static double smooth(Path work, Path root, String example, String name, String stream,
      String replacement) throws Exception {
    Path run = work.resolve(name);
    deleteTree(run);
    String text = Files.readString(root.resolve(example))
        .replaceFirst("(?m)^run_dir: .*$", "run_dir: " + run);
    if (stream != null) {
      if (!text.contains(stream)) {
        throw new IllegalStateException(example + " no longer runs '" + stream + "'");
      }
      text = text.replace(stream, replacement);
    }
    Path config = work.resolve(name + ".yaml");
    Files.writeString(config, text);
    double s = launch(work, root, List.of("--quiet", config.toString()));
    deleteTree(run);
    return s;
  }

  /** Runs daisy-launch (this JVM's classpath: the jar and these classes) and times it; it must succeed. */
  private static double launch(Path work, Path root, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "org.daisyjava.launcher.Main"));
    cmd.addAll(args);
    Path log = work.resolve("launch.log");
    long start = System.nanoTime();
    Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    int exit = p.waitFor();
    double s = (System.nanoTime() - start) / 1e9;
    if (exit != 0) {
      throw new IllegalStateException("daisy-launch " + args + " exited " + exit + ":\n" + Files.readString(log));
    }
    return s;
  }

  private static double time(List<String> cmd, Path dir) throws Exception {
    long start = System.nanoTime();
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(cmd + " failed");
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /** A smooth gradient with 4 bits of hashed noise: compresses like a real image (about 2x), not like zeros. */
  private static void fill(byte[] b, long z0, long y0, long x0, int n) {
    int i = 0;
    for (int z = 0; z < n; z++) {
      for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
          long gz = z0 + z;
          long gy = y0 + y;
          long gx = x0 + x;
          long h = (gz * 0x9E3779B97F4A7C15L) ^ (gy * 0xC2B2AE3D27D4EB4FL) ^ (gx * 0x165667B19E3779F9L);
          h ^= h >>> 29;
          b[i++] = (byte) (((gz + gy + gx) / 8) + (h & 15));
        }
      }
    }
  }

  private static void generate(Path input) throws Exception {
    Roi roi = Roi.of(new long[] {0, 0, 0}, new long[] {EDGE, EDGE, EDGE});
    ZarrArray a = ZarrArray.create(input, ArraySpec.of(DataType.UINT8, roi, Coordinate.of(1, 1, 1),
        CHUNK, CHUNK, CHUNK).compressor(Compressor.zstd(3)));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<?>> done = new ArrayList<>();
    int per = EDGE / BLOCK;
    for (int bz = 0; bz < per; bz++) {
      for (int by = 0; by < per; by++) {
        for (int bx = 0; bx < per; bx++) {
          long z = (long) bz * BLOCK;
          long y = (long) by * BLOCK;
          long x = (long) bx * BLOCK;
          done.add(pool.submit(() -> {
            byte[] b = new byte[BLOCK * BLOCK * BLOCK];
            fill(b, z, y, x, BLOCK);
            a.write(Roi.of(new long[] {z, y, x}, new long[] {BLOCK, BLOCK, BLOCK}),
                ArrayBlock.wrap(DataType.UINT8, b, BLOCK, BLOCK, BLOCK));
            return null;
          }));
        }
      }
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
  }

  /** One block of the copy compared with the input: a benchmark of a broken copy measures nothing. */
  private static void verifySample(Path input, Path output) throws IOException {
    Roi probe = Roi.of(new long[] {EDGE - BLOCK, 0, BLOCK}, new long[] {BLOCK, BLOCK, BLOCK});
    if (!Arrays.equals(ZarrArray.open(input).read(probe).bytes(), ZarrArray.open(output).read(probe).bytes())) {
      throw new IllegalStateException("the copy differs from the input at " + probe);
    }
  }

  private static void writeRaw(Path raw, long bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      byte[] b = new byte[BLOCK * BLOCK * BLOCK];
      for (long at = 0; at < bytes; at += b.length) {
        fill(b, at / ((long) BLOCK * BLOCK), 0, 0, BLOCK);
        ch.write(ByteBuffer.wrap(b, 0, (int) Math.min(b.length, bytes - at)));
      }
    }
  }

  private static double[] rates(double[] seconds, long bytes) {
    double[] r = new double[seconds.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = bytes / 1048576.0 / seconds[i];
    }
    return r;
  }

  private static void report(String what, double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    System.out.printf(Locale.ROOT, "%s: min %.1f / median %.1f / max %.1f%n", what, v[0], v[v.length / 2],
        v[v.length - 1]);
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
