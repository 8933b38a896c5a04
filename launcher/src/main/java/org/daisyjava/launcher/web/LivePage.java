package org.daisyjava.launcher.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;
import org.daisyjava.launcher.observe.RunEnding;
import org.daisyjava.launcher.observe.RunListener;
import org.daisyjava.launcher.observe.RunModel;
import org.daisyjava.launcher.observe.RunModel.WorkerView;
import org.daisyjava.launcher.progress.LauncherIdentity;
import org.daisyjava.scheduler.server.ServerSnapshot;

/**
 * The live status page: a read-only HTTP server (the JDK's) on {@code scheduler.web}, loopback
 * by default. {@code /} is the page, which polls {@code /api/run} (the {@link RunDocument})
 * every second; {@code /log?worker=ID} is the tail of a worker's log inside the run directory.
 *
 * <p>Bounded cost: one request thread, so any number of open pages cost one thread; the
 * document is built at most every {@value #REBUILD_MILLIS} ms whoever asks, from copies taken
 * under the run model's lock (the scheduler's loop waits at most for a copy of the block-map
 * counters, never for JSON to be written). Only GET and HEAD; nothing on the page changes the run.
 */
public final class LivePage implements RunListener, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LivePage.class.getName());
  static final long REBUILD_MILLIS = 250;
  private static final int LOG_BYTES = 64 * 1024;
  private final InetSocketAddress address;
  private final Path runDir;
  private final PrintStream out;
  private final String page = PageTemplate.live();
  private HttpServer server;
  private ExecutorService executor;
  private volatile RunModel model;
  private volatile String state = "running";
  private String cached;
  private long cachedAt;

  public LivePage(InetSocketAddress address, Path runDir, PrintStream out) {
    this.address = address;
    this.runDir = runDir;
    this.out = out;
  }

  @Override
  public void started(RunModel run) {
    model = run;
    try {
      server = HttpServer.create(new InetSocketAddress(address.getHostString(), address.getPort()), 16);
    } catch (IOException e) {
      // the run goes on without its page (a port taken, an address not on this machine)
      out.println("daisy-launch: no live status page: cannot listen on " + address + ": " + e.getMessage());
      LOG.warning("no live status page: cannot listen on " + address + ": " + e.getMessage());
      return;
    }
    server.createContext("/", this::handle);
    executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "daisy-web");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.start();
    int port = server.getAddress().getPort();
    String host = address.getAddress() != null && address.getAddress().isAnyLocalAddress()
        ? LauncherIdentity.host() : address.getHostString();
    out.println("daisy-launch: live status page " + url());
    out.println("daisy-launch:   from your machine: ssh -L " + port + ":" + inAddress(host) + ":" + port + " "
        + LauncherIdentity.host() + "   then open http://localhost:" + port + "/");
  }

  /** The page's address, or null if it is not serving. */
  public String url() {
    if (server == null) {
      return null;
    }
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().isAnyLocalAddress() ? LauncherIdentity.host() : a.getAddress().getHostAddress();
    return "http://" + inAddress(host) + ":" + a.getPort() + "/";
  }

  /** A host as it stands before {@code :port} in a URL or an {@code ssh -L}: IPv6 in brackets. */
  private static String inAddress(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  @Override
  public void ended(ServerSnapshot last, RunEnding ending) {
    state = ending.state().json();
    synchronized (this) {
      cached = null;
    }
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String method = x.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        send(x, 405, "text/plain", "read-only page: GET only\n");
        return;
      }
      String path = x.getRequestURI().getPath();
      if (path.equals("/") || path.equals("/index.html")) {
        send(x, 200, "text/html; charset=utf-8", page);
      } else if (path.equals("/api/run")) {
        send(x, 200, "application/json", document());
      } else if (path.equals("/log")) {
        log(x);
      } else {
        send(x, 404, "text/plain", "not found\n");
      }
    } catch (RuntimeException e) {
      LOG.warning("live page request failed: " + e);
    }
  }

  private synchronized String document() {
    long now = System.currentTimeMillis();
    if (cached == null || now - cachedAt >= REBUILD_MILLIS) {
      cached = RunDocument.json(model, state, runDir);
      cachedAt = now;
    }
    return cached;
  }

  private void log(HttpExchange x) throws IOException {
    String q = x.getRequestURI().getRawQuery();
    long id;
    try {
      id = q != null && q.startsWith("worker=") && q.length() <= 27 ? Long.parseLong(q.substring(7)) : -1;
    } catch (NumberFormatException e) {
      id = -1;
    }
    for (WorkerView w : model.workers()) {
      if (w.ref().id() == id && w.ref().log() != null && runDir != null) {
        String tail = RunDocument.tail(Path.of(w.ref().log()), runDir, LOG_BYTES);
        if (tail != null) {
          send(x, 200, "text/plain; charset=utf-8", tail);
          return;
        }
      }
    }
    send(x, 404, "text/plain", "no log in the run directory for that worker\n");
  }

  private static void send(HttpExchange x, int status, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type);
    x.getResponseHeaders().set("Cache-Control", "no-store");
    x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    x.getResponseHeaders().set("Content-Security-Policy",
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:");
    boolean head = x.getRequestMethod().equals("HEAD");
    x.sendResponseHeaders(status, head ? -1 : b.length);
    if (!head) {
      try (OutputStream o = x.getResponseBody()) {
        o.write(b);
      }
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
