package org.daisyjava.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Python helper's own unit tests (worker/python/test_daisy_stream.py), run with python3. */
class DaisyStreamPythonTest {
  @Test
  void thePythonHelpersUnitTestsPass() throws Exception {
    Process p = new ProcessBuilder("python3", "-m", "unittest", "-v", "test_daisy_stream")
        .directory(Path.of("python").toFile())
        .redirectErrorStream(true)
        .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("Ran 4 tests"), out);
  }
}
