package org.daisyjava.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the other implementations the interop tests compare against (zarr-python, zarrita). */
final class ExternalTool {
  private ExternalTool() {}

  /**
   * A Python that imports zarr and numcodecs: $DAISY_PYTHON, Debian's /usr/bin/python3, or the
   * python3 on the PATH. None is a failure, not a skip: .ci/run installs python3-zarr.
   */
  static String python() throws Exception {
    List<String> candidates = new ArrayList<>();
    if (System.getenv("DAISY_PYTHON") != null) {
      candidates.add(System.getenv("DAISY_PYTHON"));
    }
    candidates.add("/usr/bin/python3");
    candidates.add("python3");
    for (String p : candidates) {
      try {
        if (run(List.of(p, "-c", "import zarr, numcodecs, numpy"), null, 60).exit == 0) {
          return p;
        }
      } catch (IOException e) {
        // not installed under that name
      }
    }
    fail("no python3 with zarr-python found (tried " + candidates + "); apt-get install python3-zarr"
        + " or set DAISY_PYTHON");
    return null;
  }

  record Result(int exit, String output) {}

  static Result run(List<String> command, Path dir, int timeoutSeconds) throws Exception {
    ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
    if (dir != null) {
      b.directory(dir.toFile());
    }
    Process p = b.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(command + " did not finish in " + timeoutSeconds + " s");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  static Result runOk(List<String> command, Path dir, int timeoutSeconds) throws Exception {
    Result r = run(command, dir, timeoutSeconds);
    assertEquals(0, r.exit, command + " failed:\n" + r.output);
    return r;
  }

  static Path resource(String name) throws URISyntaxException {
    return Path.of(ExternalTool.class.getResource("/interop/" + name).toURI());
  }

  static byte[] read(Path p) throws IOException {
    return Files.readAllBytes(p);
  }
}
