package org.daisyjava.launcher.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live page and the report in a real headless browser (Debian's chromium, found on PATH;
 * the test skips without it unless DAISY_REQUIRE_BROWSER=1, as in CI). A run of a 3-D task is
 * held still by a gate file: its first two layers finish (one block fails), the next blocks
 * run until the gate opens. While it is held the page's counts must equal status.json, and the
 * block map's slice must move through the first axis; then the gate opens and the report must
 * show the final counts of summary.json with no network. Screenshots go to target/screenshots.
 */
@Timeout(300)
class LivePageBrowserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] COUNTS = {"total", "completed", "running", "skipped", "failed", "orphaned", "retries"};
  private static final Pattern URL = Pattern.compile("live status page (http://127\\.0\\.0\\.1:\\d+/)");

  @TempDir
  Path dir;

  static String chromium() {
    for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!p.isEmpty() && Files.isExecutable(Path.of(p, "chromium"))) {
        return Path.of(p, "chromium").toString();
      }
    }
    if ("1".equals(System.getenv("DAISY_REQUIRE_BROWSER"))) {
      throw new AssertionError("DAISY_REQUIRE_BROWSER=1 but no chromium on PATH");
    }
    return null;
  }

  /** Runs chromium headless with {@code args} and the page; returns its stdout. */
  private String browser(String chromium, String url, String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + dir.resolve("chromium-profile"),
        "--virtual-time-budget=4000"));
    argv.addAll(List.of(args));
    argv.add(url);
    Path out = dir.resolve("chromium.out");
    Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(dir.resolve("chromium.err").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    if (!p.waitFor(LauncherProcess.HANG_GUARD.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium hung");
    }
    return Files.readString(out);
  }

  /** The counts the page shows for task {@code task}. */
  private static long[] pageCounts(String dom, String task) {
    long[] out = new long[COUNTS.length];
    for (int i = 0; i < COUNTS.length; i++) {
      Matcher m = Pattern.compile("id=\"count-" + task + "-" + COUNTS[i] + "\"[^>]*>(\\d+)<").matcher(dom);
      assertTrue(m.find(), "no " + COUNTS[i] + " on the page: " + dom);
      out[i] = Long.parseLong(m.group(1));
    }
    return out;
  }

  private static long[] fileCounts(Path file, String task) throws IOException {
    JsonNode t = JSON.readTree(Files.readString(file)).get("tasks").get(task);
    long[] out = new long[COUNTS.length];
    for (int i = 0; i < COUNTS.length; i++) {
      out[i] = t.has(COUNTS[i]) ? t.get(COUNTS[i]).asLong() : 0;
    }
    return out;
  }

  private static String sliceCounts(String dom, int task) {
    Matcher m = Pattern.compile("id=\"slice-" + task + "\" data-pos=\"([\\d.]*)\" data-counts=\"([^\"]*)\"").matcher(dom);
    assertTrue(m.find(), "no block map slice on the page: " + dom);
    return m.group(1) + " " + m.group(2).replace("&quot;", "\"");
  }

  private static String evalQuietly(DevTools page, String expression) {
    try {
      return page.eval(expression);
    } catch (Exception e) {
      return null;
    }
  }

  private void screenshot(String chromium, String url, String name) throws Exception {
    Path shots = Path.of("target", "screenshots");
    Files.createDirectories(shots);
    Path png = shots.resolve(name).toAbsolutePath();
    Files.deleteIfExists(png);
    browser(chromium, url, "--window-size=1400,1250", "--hide-scrollbars", "--screenshot=" + png);
    byte[] b = Files.readAllBytes(png);
    assertTrue(b.length > 1000 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G', "not a PNG: " + png);
  }

  @Test
  void thePageShowsTheCountsOfStatusJsonMovesTheSliceAndTheReportShowsTheEnd() throws Exception {
    String chromium = chromium();
    Assumptions.assumeTrue(chromium != null, "no chromium on PATH");
    Path gate = dir.resolve("gate");
    Path run = dir.resolve("run");
    // 4x4x4 blocks: the layers at axis-0 offsets 0 and 10 finish (block 0,0,0 fails), the others
    // wait for the gate; two workers hold (run or prefetch) blocks of the third layer meanwhile
    String body = "case $DAISY_WRITE_OFFSET in 0,0,0) echo \"simulated: bad chunk\" >&2; exit 3;;"
        + " 0,*|10,*) sleep 0.02;; *) while [ ! -e " + gate + " ]; do sleep 0.05; done;; esac";
    Path config = dir.resolve("page.yaml");
    Files.writeString(config, """
        name: page-demo
        run_dir: %s
        scheduler: {heartbeat_interval: 200ms, heartbeat_liveness: 10, status_interval: 200ms, web: "127.0.0.1:0"}
        tasks:
          - name: volume
            total_roi: {offset: [0, 0, 0], shape: [40, 40, 40]}
            read_roi: {offset: [0, 0, 0], shape: [10, 10, 10]}
            write_roi: {offset: [0, 0, 0], shape: [10, 10, 10]}
            num_workers: 2
            max_retries: 0
            process: {command: '%s'}
        """.formatted(run, body));
    try (LauncherProcess p = LauncherProcess.start(dir, config)) {
      LauncherProcess.await(() -> URL.matcher(p.stdout()).find() && p.stdout().contains("then open"),
          "the page's URL and the ssh line");
      Matcher m = URL.matcher(p.stdout());
      assertTrue(m.find());
      String url = m.group(1);
      assertTrue(p.stdout().contains("ssh -L"), p.stdout());
      Path status = run.resolve("status.json");
      LauncherProcess.await(() -> {
        try {
          long[] c = fileCounts(status, "volume");
          return c[1] + c[4] == 32 && c[2] > 0;
        } catch (IOException | RuntimeException e) {
          return false;
        }
      }, "the run to be held at the gate: " + run);

      String dom = browser(chromium, url, "--dump-dom");
      assertArrayEquals(fileCounts(status, "volume"), pageCounts(dom, "volume"), dom);
      assertTrue(dom.contains("simulated: bad chunk"), "the failure's error text is on the page");

      // the slice control: the first layer is done but for the failed block, the third runs
      String first = sliceCounts(browser(chromium, url + "#s0=0", "--dump-dom"), 0);
      String third = sliceCounts(browser(chromium, url + "#s0=2", "--dump-dom"), 0);
      assertEquals("0 {\"d\":15,\"p\":0,\"r\":0,\"w\":0,\"f\":1,\"o\":0}", first);
      assertTrue(third.startsWith("2 "), third);
      assertNotEquals(first, third);
      assertTrue(third.contains("\"d\":0") && third.contains("\"w\":"), third);
      screenshot(chromium, url + "#s0=2", "live-page.png");

      // the slider itself, clicked at its right end through the browser's input: the last layer
      try (DevTools page = DevTools.open(chromium, dir.resolve("devtools-profile"), url)) {
        String rect = "(function(){var s=document.getElementById('slider-0-0'); if(!s) return null;"
            + " var r=s.getBoundingClientRect(); return (r.right-2)+','+(r.top+r.height/2);})()";
        LauncherProcess.await(() -> evalQuietly(page, rect) != null, "the slider on the page");
        String[] xy = page.eval(rect).split(",");
        page.click(Double.parseDouble(xy[0]), Double.parseDouble(xy[1]));
        String slice = "(function(){var e=document.getElementById('slice-0'); return e.getAttribute('data-pos')"
            + "+' '+e.getAttribute('data-counts');})()";
        LauncherProcess.await(() -> String.valueOf(evalQuietly(page, slice)).startsWith("3 "), "the slice to move");
        assertEquals("3 {\"d\":0,\"p\":0,\"r\":0,\"w\":16,\"f\":0,\"o\":0}", page.eval(slice));
        assertTrue(page.eval("location.hash").contains("s0=3"), "the slice is kept in the address");
      }

      Files.createFile(gate);
      assertEquals(1, p.await(), "one block failed");
    }
    Path report = run.resolve("report.html");
    String html = Files.readString(report);
    assertFalse(Pattern.compile("(src|href)=\"?(https?:)?//").matcher(html).find(), "the report loads nothing");
    String reportDom = browser(chromium, report.toUri().toString() + "#s0=3", "--dump-dom");
    long[] summary = fileCounts(run.resolve("summary.json"), "volume");
    assertArrayEquals(summary, pageCounts(reportDom, "volume"), reportDom);
    assertEquals(63, summary[1]);
    assertTrue(reportDom.contains("data-state=\"finished\""), "the report shows the final state");
    assertTrue(sliceCounts(reportDom, 0).startsWith("3 {\"d\":16,"), sliceCounts(reportDom, 0));
    // each worker's peak memory, as summary.json has it (its processes on this machine: known)
    for (JsonNode w : JSON.readTree(Files.readString(run.resolve("summary.json"))).get("statistics").get("workers")) {
      assertTrue(w.get("peak_rss_bytes").asLong() > 1 << 20, w.toString());
      Matcher peak = Pattern.compile("data-worker=\"" + w.get("id").asLong() + "\".*?class=\"peak\">([^<]*)<")
          .matcher(reportDom);
      assertTrue(peak.find(), "no peak memory for worker " + w.get("id") + ": " + reportDom);
      assertEquals(Math.round(w.get("peak_rss_bytes").asLong() / 1048576.0) + " MiB", peak.group(1));
    }
    screenshot(chromium, report.toUri().toString() + "#s0=0", "report.png");
  }
}
