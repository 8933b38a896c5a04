package org.daisyjava.launcher.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A headless chromium driven over the DevTools protocol on a loopback websocket: evaluate
 * script in the page and send real mouse input (a click goes through the browser's input
 * pipeline, as a user's would). The browser picks its own port ({@code --remote-debugging-port=0})
 * and writes it to {@code DevToolsActivePort} in its profile directory.
 */
final class DevTools implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Process browser;
  private final WebSocket socket;
  private final BlockingQueue<JsonNode> replies = new LinkedBlockingQueue<>();
  private int nextId = 1;

  private DevTools(Process browser, WebSocket socket) {
    this.browser = browser;
    this.socket = socket;
  }

  static DevTools open(String chromium, Path profile, String url) throws Exception {
    Process p = new ProcessBuilder(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--window-size=1400,1200", "--remote-debugging-port=0",
        "--user-data-dir=" + profile, url))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    Path portFile = profile.resolve("DevToolsActivePort");
    LauncherProcess.await(() -> Files.exists(portFile) && read(portFile).contains("\n"), "chromium's DevTools port");
    int port = Integer.parseInt(read(portFile).split("\n")[0].trim());
    HttpClient http = HttpClient.newHttpClient();
    String wsUrl = null;
    long deadline = System.nanoTime() + LauncherProcess.HANG_GUARD.toNanos();
    while (wsUrl == null) {
      JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
          .build(), HttpResponse.BodyHandlers.ofString()).body());
      for (JsonNode t : targets) {
        if (t.get("type").asText().equals("page")) {
          wsUrl = t.get("webSocketDebuggerUrl").asText();
        }
      }
      if (wsUrl == null && System.nanoTime() > deadline) {
        throw new AssertionError("chromium shows no page");
      }
      Thread.sleep(50);
    }
    DevTools[] self = new DevTools[1];
    StringBuilder partial = new StringBuilder();
    WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(wsUrl), new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          try {
            JsonNode m = JSON.readTree(partial.toString());
            if (m.has("id")) {
              self[0].replies.add(m);
            }
          } catch (Exception e) {
            // not JSON: chromium sends nothing else; ignore
          }
          partial.setLength(0);
        }
        w.request(1);
        return null;
      }
    }).join();
    self[0] = new DevTools(p, ws);
    return self[0];
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (Exception e) {
      return "";
    }
  }

  /** Sends a command and waits for its reply's {@code result}. */
  JsonNode call(String method, ObjectNode params) throws Exception {
    int id = nextId++;
    ObjectNode m = JSON.createObjectNode();
    m.put("id", id);
    m.put("method", method);
    m.set("params", params);
    socket.sendText(JSON.writeValueAsString(m), true).join();
    while (true) {
      JsonNode r = replies.poll(LauncherProcess.HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
      if (r == null) {
        throw new AssertionError("no reply from chromium to " + method);
      }
      if (r.get("id").asInt() == id) {
        if (r.has("error")) {
          throw new AssertionError(method + ": " + r.get("error"));
        }
        return r.get("result");
      }
    }
  }

  /** The value of a script expression in the page (null if it threw or gave undefined). */
  String eval(String expression) throws Exception {
    ObjectNode p = JSON.createObjectNode();
    p.put("expression", expression);
    p.put("returnByValue", true);
    JsonNode v = call("Runtime.evaluate", p).get("result").get("value");
    return v == null || v.isNull() ? null : v.isTextual() ? v.asText() : v.toString();
  }

  /** A left click at page coordinates ({@code Input.dispatchMouseEvent} press and release). */
  void click(double x, double y) throws Exception {
    for (String type : new String[] {"mousePressed", "mouseReleased"}) {
      ObjectNode p = JSON.createObjectNode();
      p.put("type", type);
      p.put("x", x);
      p.put("y", y);
      p.put("button", "left");
      p.put("clickCount", 1);
      call("Input.dispatchMouseEvent", p);
    }
  }

  @Override
  public void close() {
    socket.abort();
    browser.destroy();
    try {
      if (!browser.waitFor(10, TimeUnit.SECONDS)) {
        browser.destroyForcibly();
      }
    } catch (InterruptedException e) {
      browser.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
