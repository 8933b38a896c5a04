package org.daisyjava.launcher.it.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.daisyjava.launcher.it.local.LaunchHarness.Finished;
import org.daisyjava.launcher.it.local.LaunchHarness.Launched;
import org.daisyjava.scheduler.checkpoint.CheckpointLog;
import org.daisyjava.scheduler.checkpoint.Recovery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main job, examples/smooth.yaml (and its Python variant), run by real launchers at
 * 128^3 instead of 256^3: its {@code smoothed} equals scipy's gaussian_filter of the whole
 * {@code raw} volume, computed without blocks (check_smoothed.py), away from the volume's border;
 * the same after a SIGKILL of the launcher mid-run and --resume; and the Python stream worker's
 * {@code smoothed} equals the Java one.
 */
@Timeout(900)
class SmoothExampleTest {
  /** float32 rounding of sums of up to 13^3 weighted uint8 values: far below one grey level. */
  private static final double TOLERANCE = 1e-3;

  @TempDir
  Path dir;

  private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();

  /** An example config at 128^3 writing to {@code runDir}. */
  private Path config(String example, Path runDir, String python) throws IOException {
    String text = Files.readString(EXAMPLES.resolve(example))
        .replace("256, 256, 256", "128, 128, 128").replace("268, 268, 268", "140, 140, 140");
    text = text.replaceFirst("(?m)^run_dir: .*$", "run_dir: " + runDir);
    if (python != null) {
      Path standIn = Path.of(getClass().getResource("/smooth/daisy_stream.py").getPath()).getParent();
      String stream = "exec python3 examples/smooth-python/smooth.py";
      assertTrue(text.contains(stream), "the Python variant's stream command changed");
      text = text.replace(stream, "PYTHONPATH=" + standIn + " exec " + python + " "
          + EXAMPLES.resolve("smooth-python/smooth.py"));
    }
    assertTrue(text.contains("128, 128, 128") && text.contains("140, 140, 140"), "size not replaced");
    Path config = dir.resolve(runDir.getFileName() + ".yaml");
    Files.writeString(config, text);
    return config;
  }

  /** Runs check_smoothed.py; returns its "key value..." lines by key. */
  private static Map<String, String> check(String python, Path container, Path other) throws Exception {
    Path script = Path.of(SmoothExampleTest.class.getResource("/smooth/check_smoothed.py").getPath());
    List<String> cmd = other == null
        ? List.of(python, script.toString(), container.toString())
        : List.of(python, script.toString(), container.toString(), other.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    Map<String, String> lines = new TreeMap<>();
    for (String line : out.split("\n")) {
      String[] kv = line.split(" ", 2);
      lines.put(kv[0].equals("max_abs_diff") ? kv[1].split(" ")[0] : kv[0],
          kv[0].equals("max_abs_diff") ? kv[1].split(" ")[1] : kv.length > 1 ? kv[1] : "");
    }
    System.out.println("SmoothExampleTest: " + container + ": " + lines);
    return lines;
  }

  private static void assertMatchesReference(Map<String, String> lines) {
    assertEquals("128 128 128 dtype uint8 float32", lines.get("shape"));
    assertEquals("64 64 64 ones " + lines.get("mask").split(" ")[4], lines.get("mask"), "mask at half resolution");
    assertTrue(Long.parseLong(lines.get("mask").split(" ")[4]) > 0, "some blob is above the threshold");
    double diff = Double.parseDouble(lines.get("reference"));
    assertTrue(diff <= TOLERANCE, "smoothed differs from the whole-volume Gaussian by " + diff);
  }

  /** A python3 with zarr-python and scipy (Debian's, installed by .ci/run); none is a failure. */
  private static String python() throws Exception {
    for (String p : List.of(System.getenv().getOrDefault("DAISY_PYTHON", "/usr/bin/python3"), "/usr/bin/python3", "python3")) {
      try {
        Process probe = new ProcessBuilder(p, "-c", "import zarr, scipy.ndimage, numcodecs")
            .redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        if (probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0) {
          return p;
        }
      } catch (IOException e) {
        // not there under that name
      }
    }
    fail("no python3 with zarr-python and scipy (apt-get install python3-zarr python3-scipy)");
    return null;
  }

  @Test
  void smoothedEqualsAWholeVolumeGaussianAndThePythonWorkerGivesTheSameArray() throws Exception {
    String python = python();
    Path javaRun = dir.resolve("java-run");
    Finished java = LaunchHarness.run(dir, config("smooth.yaml", javaRun, null).toString());
    assertEquals(0, java.exitCode(), java.output());
    assertMatchesReference(check(python, javaRun.resolve("smooth.zarr"), null));

    Path pythonRun = dir.resolve("python-run");
    Finished py = LaunchHarness.run(dir, config("smooth-python/smooth.yaml", pythonRun, python).toString());
    assertEquals(0, py.exitCode(), py.output());
    Map<String, String> lines = check(python, pythonRun.resolve("smooth.zarr"), javaRun.resolve("smooth.zarr"));
    assertMatchesReference(lines);
    double diff = Double.parseDouble(lines.get("other"));
    assertTrue(diff <= TOLERANCE, "the Python worker's smoothed differs from the Java one by " + diff);
  }

  private static long chunks(Path array) {
    if (!Files.isDirectory(array)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(array)) {
      return s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
    } catch (IOException e) {
      return 0; // listing while a worker renames a chunk in: look again at the next poll
    }
  }

  @Test
  void killedMidRunAndResumedItStillEqualsTheWholeVolumeGaussian() throws Exception {
    String python = python();
    Path run = dir.resolve("killed-run");
    Path config = config("smooth.yaml", run, null);
    Path smoothed = run.resolve("smooth.zarr").resolve("smoothed");
    Launched first = LaunchHarness.start(dir, config.toString());
    // the first smoothed chunk is in: the kill lands in the middle task (or early in the last)
    boolean midRun = first.awaitWhileRunning(() -> chunks(smoothed) >= 1);
    assertTrue(midRun && first.isAlive(), "the run ended before the kill: " + first.stdout());
    List<ProcessHandle> workers = first.descendants();
    first.signal("KILL");
    assertEquals(137, first.await().exitCode());
    LaunchHarness.awaitExit(workers, "orphaned workers after the kill");
    Recovery logged = CheckpointLog.recover(run.resolve("checkpoint.log"));
    long done = logged.done(0).cardinality() + logged.done(1).cardinality() + logged.done(2).cardinality();
    System.out.println("SmoothExampleTest: killed with " + done + " of 24 blocks logged: " + logged.report());
    assertTrue(done < 24, "every block was logged before the kill: nothing left to resume");

    Finished resumed = LaunchHarness.run(dir, "--resume", config.toString());
    assertEquals(0, resumed.exitCode(), resumed.output());
    assertTrue(resumed.stdout().contains("resuming"), resumed.output());
    assertMatchesReference(check(python, run.resolve("smooth.zarr"), null));
  }
}
