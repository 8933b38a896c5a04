package org.daisyjava.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/daisy-launch gives the launcher's JVM the compiler settings of
 * scripts/launcher-compiler.args (C2 only for code that stays hot), and a JAVA_OPTS of the user's
 * that says otherwise wins. Checked on the real JVM: the script runs java with {@code -version} among the
 * JAVA_OPTS (the JVM prints its flags and exits before it looks for the launcher's class), and the
 * test reads the value the JVM settled on from {@code -XX:+PrintFlagsFinal}.
 */
class LauncherCompilerTest {
  @TempDir Path tmp;

  /** One of the settings, with the value HotSpot has without them. */
  private static final String FLAG = "Tier4InvocationThreshold";
  private static final int HOTSPOT_DEFAULT = 5000;

  private static Path script() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path s = d.resolve("scripts/daisy-launch");
      if (Files.isRegularFile(s)) {
        return s;
      }
    }
    throw new AssertionError("no scripts/daisy-launch above " + Path.of("").toAbsolutePath());
  }

  /** The {@link #FLAG} of the JVM daisy-launch starts with {@code javaOpts}. */
  private int flag(String javaOpts) throws Exception {
    Path jar = Files.writeString(tmp.resolve("stand-in.jar"), ""); // only its presence is checked
    ProcessBuilder pb = new ProcessBuilder("bash", script().toString(), "--version");
    pb.environment().put("DAISY_JAR", jar.toString());
    pb.environment().put("DAISY_CDS", "off");
    pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    pb.environment().put("JAVA_OPTS", javaOpts + " -XX:+PrintFlagsFinal -version");
    pb.environment().put("HOME", tmp.toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "hang guard");
    assertEquals(0, p.exitValue(), out);
    Matcher m = Pattern.compile("\\b" + FLAG + "\\s+=\\s+(\\d+)").matcher(out);
    assertTrue(m.find(), out);
    return Integer.parseInt(m.group(1));
  }

  @Test
  void theLauncherGetsTheSettingsOfTheArgumentFile() throws Exception {
    assertEquals(50_000, flag(""));
  }

  @Test
  void javaOptsOfTheUserWin() throws Exception {
    assertEquals(HOTSPOT_DEFAULT, flag("-XX:" + FLAG + "=" + HOTSPOT_DEFAULT));
  }
}
